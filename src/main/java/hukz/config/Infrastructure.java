package hukz.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import hukz.ingest.SubjectPattern;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What hukz runs on: PostgreSQL (embedded or external) migrated by Flyway, and a NATS connection (to a
 * local nats-server it starts, or to the configured one). Closed in reverse order of opening.
 */
public final class Infrastructure implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);
    private static final int STREAM_NOT_FOUND = 10059;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private HikariDataSource dataSource;
    private CompletableFuture<Void> schema;
    private Connection nats;

    /** Opens both, and returns once the database's schema is migrated. */
    public static Infrastructure start(HukzConfig config, Path dataDir) {
        Infrastructure infra = startMigrating(config, dataDir);
        try {
            infra.awaitSchema();
            return infra;
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    /**
     * Opens both, and leaves the schema's migration running on a thread of its own: {@link #awaitSchema()} before
     * anything reads the database. Migrating a new database takes ~0.6 s of a start (checking one already migrated
     * ~0.2 s); meanwhile NATS connects and Camel loads the routes (HukzService awaits the schema before Camel starts).
     */
    public static Infrastructure startMigrating(HukzConfig config, Path dataDir) {
        Infrastructure infra = new Infrastructure();
        try {
            infra.startDatabase(config, dataDir);
            infra.startNats(config, dataDir);
            return infra;
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    /** Waits for the schema's migration; its failure is thrown here as Flyway threw it. */
    public void awaitSchema() {
        try {
            schema.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Waits for a migration still running, whatever its outcome: the pool is not closed under it. */
    private void awaitSchemaQuietly() {
        if (schema != null) {
            try {
                schema.join();
            } catch (CompletionException ignored) {
                // a failed migration is reported by awaitSchema(), or the start is failing already for another reason
            }
        }
    }

    private void startDatabase(HukzConfig config, Path dataDir) {
        HikariConfig hikari = new HikariConfig();
        if (config.embeddedDatabase()) {
            EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
            opened.add(pg);
            hikari.setJdbcUrl(pg.jdbcUrl());
            hikari.setUsername("postgres");
            LOG.info("embedded PostgreSQL started, data in {}", dataDir.resolve("postgres"));
        } else {
            hikari.setJdbcUrl("jdbc:postgresql://" + config.databaseHost() + ":" + config.databasePort() + "/" + config.databaseName()
                    + "?sslmode=" + config.databaseSslMode());
            hikari.setUsername(config.databaseUser());
            hikari.setPassword(config.databasePassword());
        }
        hikari.setPoolName("hukz-db");
        hikari.setMaximumPoolSize(20);
        hikari.setConnectionTimeout(10_000);
        hikari.setInitializationFailTimeout(30_000);
        dataSource = new HikariDataSource(hikari);
        opened.add(dataSource);
        HikariDataSource migrated = dataSource;
        schema = CompletableFuture.runAsync(
                () -> Flyway.configure().dataSource(migrated).locations("classpath:db/migration").load().migrate(),
                task -> {
                    Thread t = new Thread(task, "hukz-migrate");
                    t.setDaemon(true);
                    t.start();
                });
    }

    private void startNats(HukzConfig config, Path dataDir) {
        String url = config.natsUrl();
        if (config.embeddedNats()) {
            EmbeddedNatsServer server = EmbeddedNatsServer.start(dataDir.resolve("nats"), dataDir.resolve("nats-server.log"));
            opened.add(server);
            url = server.url();
            LOG.info("local nats-server started on {} (JetStream store in {})", url, dataDir.resolve("nats"));
        }
        Options.Builder options = new Options.Builder()
                .servers(url.split("\\s*,\\s*"))
                .connectionName("hukz")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionTimeout(Duration.ofSeconds(5))
                .errorListener(new ErrorListener() {
                    @Override
                    public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
                        LOG.warn("NATS slow consumer: messages are being dropped");
                    }
                });
        if (!config.natsUserName().isEmpty()) {
            options.userInfo(config.natsUserName(), config.natsUserPassword());
        }
        try {
            nats = Nats.connect(options.build());
        } catch (IOException e) {
            throw new IllegalStateException(Redact.credentials("cannot connect to NATS at " + url + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS");
        }
        opened.add(nats::close);
        if (!config.natsStream().isEmpty()) {
            ensureStream(config.natsStream(), config.natsSubject());
        }
    }

    /**
     * The stream nats_stream names is used as it is when it exists. When it does not, hukz creates it for
     * nats_subject, unless those subjects would take in JetStream's own API ({@code $JS.API.>}: a stream on
     * {@code >} does): such a stream breaks JetStream for every client of the server, so start-up stops instead.
     */
    private void ensureStream(String stream, String subject) {
        try {
            JetStreamManagement jsm = nats.jetStreamManagement();
            try {
                jsm.getStreamInfo(stream);
                LOG.info("using existing JetStream stream {}", stream);
                return;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            if (capturesJetStreamApi(subject)) {
                throw new ConfigException("invalid value for nats_subject: stream " + stream + " does not exist and hukz will not "
                        + "create one on '" + subject + "' (it would capture JetStream's own $JS.API subjects); set nats_subject "
                        + "to the application's subjects, for example orders.>, or create the stream yourself");
            }
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject).storageType(StorageType.File).build());
            LOG.info("created JetStream stream {} for subjects {}", stream, subject);
        } catch (IOException | JetStreamApiException e) {
            throw new ConfigException("invalid value for nats_stream: stream " + stream + " is missing and cannot be created for "
                    + subject + " (" + e.getMessage() + ")");
        }
    }

    /** Whether a stream on these subjects would take in JetStream's API requests. */
    static boolean capturesJetStreamApi(String subject) {
        return SubjectPattern.matches(subject, "$JS.API.STREAM.INFO.x") || SubjectPattern.matches(subject, "$JS.API.CONSUMER.INFO.x.y");
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public Connection nats() {
        return nats;
    }

    @Override
    public synchronized void close() {
        awaitSchemaQuietly();
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.warn("error while closing {}: {}", opened.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
        opened.clear();
    }
}
