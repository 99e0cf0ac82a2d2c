package hukz.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What PostgreSQL did for one system during a measured load, read before and after it: WAL bytes
 * ({@code pg_current_wal_lsn()}), write transactions (transaction ids assigned: only a transaction that writes
 * gets one, and each costs a commit record and, with synchronous_commit on, a WAL flush), and from
 * pg_stat_statements the statements the system ran in its database, the rows they wrote, and their WAL bytes.
 * The harness polls as {@link #OBSERVER} (read-only, never assigned a transaction id), so its own queries are
 * left out of the statement counts; WAL and transaction ids are cluster-wide, and only one system runs at a time.
 */
record PgWork(long walBytes, long writeTransactions, long statements, long transactionControl, long rowsWritten,
              long statementWalBytes) {
    static final String OBSERVER = "bench_observer";

    static final PgWork NONE = new PgWork(-1, -1, -1, -1, -1, -1);

    /** A reading at one moment; {@link #minus} of two readings is the work in between. */
    static PgWork read(Connection admin, String database) throws SQLException {
        long lsn;
        long nextXid;
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, pg_snapshot_xmax(pg_current_snapshot())::text::bigint")) {
            rs.next();
            lsn = rs.getLong(1);
            nextXid = rs.getLong(2);
        }
        // first word of each statement: BEGIN/COMMIT/ROLLBACK/SAVEPOINT are transaction control; INSERT, UPDATE, DELETE,
        // COPY, MERGE (or a WITH that does one of them) write
        String sql = "SELECT coalesce(sum(calls) FILTER (WHERE NOT control), 0), coalesce(sum(calls) FILTER (WHERE control), 0), "
                + "coalesce(sum(rows) FILTER (WHERE writes), 0), coalesce(sum(wal_bytes), 0)::bigint FROM ("
                + "SELECT calls, rows, wal_bytes, q ~ '^(begin|commit|rollback|savepoint|release|start transaction|end)' AS control, "
                + "q ~ '^(insert|update|delete|copy|merge)' OR (q ~ '^with' AND q ~ '\\m(insert|update|delete)\\M') AS writes "
                + "FROM (SELECT calls, rows, wal_bytes, lower(ltrim(query)) AS q FROM pg_stat_statements s "
                + "JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.userid "
                + "WHERE d.datname = ? AND r.rolname <> ?) x) y";
        try (PreparedStatement ps = admin.prepareStatement(sql)) {
            ps.setString(1, database);
            ps.setString(2, OBSERVER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new PgWork(lsn, nextXid, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    /**
     * The system's statements in its database with their totals since the server started (each run has its own
     * database), most WAL first: one line each, for the run's log. Tells which statement costs what.
     */
    static String statementTable(Connection admin, String database, int limit) {
        StringBuilder out = new StringBuilder();
        try (PreparedStatement ps = admin.prepareStatement("SELECT calls, rows, wal_bytes::bigint, round(total_exec_time::numeric, 1), "
                + "left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                + "JOIN pg_roles r ON r.oid = s.userid WHERE d.datname = ? AND r.rolname <> ? ORDER BY wal_bytes DESC, calls DESC LIMIT ?")) {
            ps.setString(1, database);
            ps.setString(2, OBSERVER);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                out.append(String.format("%10s %10s %12s %10s  %s%n", "calls", "rows", "wal_bytes", "exec_ms", "statement"));
                while (rs.next()) {
                    out.append(String.format("%10d %10d %12d %10s  %s%n", rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            out.append("(no pg_stat_statements: ").append(e.getMessage()).append(")\n");
        }
        return out.toString();
    }

    PgWork minus(PgWork before) {
        if (this == NONE || before == NONE) {
            return NONE;
        }
        return new PgWork(walBytes - before.walBytes, writeTransactions - before.writeTransactions, statements - before.statements,
                transactionControl - before.transactionControl, rowsWritten - before.rowsWritten, statementWalBytes - before.statementWalBytes);
    }

    /** Reads, or NONE when pg_stat_statements is missing (the figures then show as unknown). */
    static PgWork tryRead(Connection admin, String database) {
        try {
            return read(admin, database);
        } catch (SQLException e) {
            System.err.println("bench: PostgreSQL work not measured: " + e.getMessage());
            return NONE;
        }
    }
}
