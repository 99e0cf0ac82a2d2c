package hukz;

import hukz.config.ConfigException;
import hukz.config.HukzBeans;
import hukz.config.HukzConfig;
import hukz.config.Infrastructure;
import hukz.policy.RetryPolicy;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One running hukz: its infrastructure and its Camel Main, started and stopped together. */
public final class HukzService {
    private static final Logger LOG = LoggerFactory.getLogger(HukzService.class);
    private final HukzConfig config;
    private final Infrastructure infrastructure;
    private final Main main;

    private HukzService(HukzConfig config, Infrastructure infrastructure, Main main) {
        this.config = config;
        this.infrastructure = infrastructure;
        this.main = main;
    }

    /** Prepares infrastructure and the Camel app; {@link #run()} or {@link #start()} then runs it. */
    public static HukzService create(HukzConfig config, Path dataDir) {
        LOG.info("hukz {} starting: {}", Version.VERSION, config.summary());
        requireFreePort(config.serverPort());
        Infrastructure infra = Infrastructure.startMigrating(config, dataDir);
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:application.properties;optional=true");
        routeProperties(config).forEach(main::addInitialProperty);
        HukzBeans.bind(main, config, infra.dataSource(), infra.nats());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStop(BaseMainSupport m) {
                infra.close();
            }
        });
        try {
            // Camel loads the routes, and prepares all it will start, while the schema is migrated; nothing starts (no
            // consumer, timer or API server) before the schema is there. A migration that failed fails the start here.
            main.init();
            infra.awaitSchema();
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
        return new HukzService(config, infra, main);
    }

    /** The {@code {{...}}} values the routes read, from the configuration. */
    public static Map<String, String> routeProperties(HukzConfig config) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.server.port", String.valueOf(config.serverPort()));
        p.put("hukz.version", Version.VERSION);
        // Route reload (SPEC §6): development watches routes/ (application.properties says how); production never does.
        p.put("camel.main.routes-reload-enabled", String.valueOf(!config.production()));
        p.put("hukz.nats.subject", config.natsSubject());
        p.put("hukz.nats.queue-group", config.queueGroup());
        p.put("hukz.retry.poll-millis", String.valueOf(RetryPolicy.of(config).pollMillis()));
        p.put("hukz.nats.core", String.valueOf(config.natsStream().isEmpty()));
        p.put("hukz.nats.jetstream", String.valueOf(!config.natsStream().isEmpty()));
        p.put("hukz.ingest.buffer", String.valueOf(config.ingestBuffer()));
        return p;
    }

    /** The API server would otherwise start without its port and only log it; better not to start at all. */
    private static void requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new ConfigException("invalid value for server_port: port " + port + " is already in use");
        }
    }

    /** Runs until the JVM is told to stop (SIGTERM, Ctrl-C). */
    public void run() throws Exception {
        main.run();
    }

    /** Starts without blocking (tests). */
    public void start() throws Exception {
        main.start();
    }

    public void stop() {
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("error while stopping: {}", e.getMessage());
        } finally {
            infrastructure.close();
        }
    }

    /** Closes the servers and connections this instance opened (after Camel has stopped). */
    public void close() {
        infrastructure.close();
    }

    public HukzConfig config() {
        return config;
    }

    public Main main() {
        return main;
    }
}
