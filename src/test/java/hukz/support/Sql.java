package hukz.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Direct reads of a test database, for asserting what hukz stored. */
public final class Sql {
    private Sql() {
    }

    public static long count(String database, String sql) {
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(String database, String sql) {
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fingerprint of every user-visible table, to show a request changed nothing. */
    public static String snapshot(String database) {
        return query(database, SNAPSHOT);
    }

    /** The same, on a connection the caller keeps open (a test taking thousands of them: a connection costs a backend). */
    public static String snapshot(Connection c) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SNAPSHOT)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String SNAPSHOT = snapshotQuery();

    private static String snapshotQuery() {
        StringBuilder sql = new StringBuilder("SELECT concat_ws(';'");
        for (String table : new String[]{"events", "webhooks", "webhook_events", "deliveries", "webhook_logs"}) {
            sql.append(", (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM ")
                    .append(table).append(" t)");
        }
        return sql.append(")").toString();
    }

    public static String query(String database, String sql) {
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
