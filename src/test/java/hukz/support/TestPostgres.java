package hukz.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** One real PostgreSQL (zonky embedded) per test JVM; each hukz under test gets a fresh database in it. */
public final class TestPostgres {
    private static EmbeddedPostgres postgres;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres get() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Reaper.record(postmasterPid(postgres));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return postgres;
    }

    /** The server's own pid, from postmaster.pid in its data directory (zonky does not expose it). */
    private static long postmasterPid(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SHOW data_directory")) {
            rs.next();
            String first = java.nio.file.Files.readAllLines(java.nio.file.Path.of(rs.getString(1), "postmaster.pid")).get(0);
            return Long.parseLong(first.trim());
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot find the test PostgreSQL's pid", e);
        }
    }

    public static int port() {
        return get().getPort();
    }

    /** Creates an empty database and returns its name. */
    public static String newDatabase() {
        String name = "hukz_test_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        try (Connection c = get().getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    public static Connection connect(String database) throws SQLException {
        return get().getDatabase("postgres", database).getConnection();
    }
}
