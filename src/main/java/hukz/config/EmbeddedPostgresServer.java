package hukz.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The development database: zonky embedded PostgreSQL whose data lives under {@code data/postgres/}. */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            // postmaster.pid names the postmaster; its command line carries the data directory.
            StaleProcess.stop(dataDir.resolve("postmaster.pid"), "postgres", dataDir);
            return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "100")
                    // Not on the JVM's own shutdown hook: that would stop PostgreSQL at SIGTERM while Camel is still
                    // storing what it took and recording attempts; Infrastructure closes it once Camel has stopped.
                    .setRegisterShutdownHook(false)
                    .start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
