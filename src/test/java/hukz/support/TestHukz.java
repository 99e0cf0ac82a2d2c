package hukz.support;

import hukz.HukzService;
import hukz.config.HukzConfig;
import org.apache.camel.CamelContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real hukz (Camel Main, routes from routes/) started in this JVM against the test PostgreSQL and
 * nats-server, on a fresh database, a free port and its own queue group.
 */
public final class TestHukz implements AutoCloseable {
    private final HukzService service;
    private final Map<String, String> raw;
    private final String database;
    private final int port;
    public final Api api;

    private TestHukz(HukzService service, Map<String, String> raw, String database, int port) {
        this.service = service;
        this.raw = Map.copyOf(raw);
        this.database = database;
        this.port = port;
        this.api = new Api("http://127.0.0.1:" + port);
    }

    public static TestHukz start() {
        return start(Map.of());
    }

    /** Starts with these config keys over the test defaults (fast retries, private URLs allowed). */
    public static TestHukz start(Map<String, String> overrides) {
        Map<String, String> raw = new HashMap<>(baseConfig(TestPostgres.newDatabase()));
        raw.putAll(overrides);
        return startWith(raw);
    }

    public static Map<String, String> baseConfig(String database) {
        Map<String, String> raw = new HashMap<>();
        raw.put("database_host", "127.0.0.1");
        raw.put("database_port", String.valueOf(TestPostgres.port()));
        raw.put("database_user", "postgres");
        raw.put("database_name", database);
        raw.put("nats_url", TestNats.shared().url());
        raw.put("queue_group", "hukz-test-" + database);
        raw.put("server_port", String.valueOf(TestNats.freePort()));
        raw.put("retry_schedule", "200ms,400ms,800ms");
        raw.put("delivery_timeout", "2s");
        raw.put("allow_private_urls", "true");
        return raw;
    }

    public static TestHukz startWith(Map<String, String> raw) {
        HukzConfig config = HukzConfig.from(raw);
        try {
            Path data = Scratch.dir("data");
            HukzService service = HukzService.create(config, data);
            TestHukz hukz = new TestHukz(service, raw, raw.get("database_name"), config.serverPort());
            try {
                service.start();
                hukz.api.awaitReady();
            } catch (Exception | AssertionError e) {
                // a half-started service still holds its port, threads and connections: stop it before failing
                hukz.close();
                throw e;
            }
            return hukz;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("hukz did not start", e);
        }
    }

    /** The configuration this instance runs with (to start another on the same database). */
    public Map<String, String> rawConfig() {
        return raw;
    }

    public String database() {
        return database;
    }

    public int port() {
        return port;
    }

    public HukzConfig config() {
        return service.config();
    }

    /** The running Camel context: its registry holds the beans the routes call, bound as in production. */
    public CamelContext camel() {
        return service.main().getCamelContext();
    }

    /** The bean the routes call by {@code name}, as bound at start. */
    public <T> T bean(String name, Class<T> type) {
        T bean = camel().getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new AssertionError("no bean " + name + " of type " + type.getSimpleName());
        }
        return bean;
    }

    @Override
    public void close() {
        service.stop();
    }
}
