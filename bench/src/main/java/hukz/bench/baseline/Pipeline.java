package hukz.bench.baseline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import hukz.bench.Child;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline the bench compares hukz with: the same job written by hand with nothing in between.
 * jnats consumer → delivery rows inserted in JDBC batches → async JDK HttpClient POSTs signed with Standard
 * Webhooks → log rows and delivery states written in JDBC batches, one transaction per batch. Retries wait
 * in memory (the rows say pending with next_attempt_at, but no poller resumes them after a crash). Webhooks
 * come from the command line, matched by exact subject.
 * <pre>
 * java -cp hukz-bench.jar hukz.bench.baseline.Pipeline --port P --jdbc URL --db-user U --nats URL
 *      [--queue-group G] [--retry 5s,30s] [--inflight 32] --hook SUBJECT|URL|WHSEC_SECRET ...
 * </pre>
 */
public final class Pipeline {
    static final int BATCH = 500;
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final Duration LEASE = Duration.ofSeconds(35);
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    record Hook(long id, String subject, String url, Webhook signer) {
    }

    record Task(long deliveryId, Hook hook, String messageId, String subject, String body, int attemptsMade) {
    }

    record Outcome(Task task, int status, String responseBody, String error, long durationMs) {
    }

    private final Map<String, List<Hook>> hooksBySubject = new HashMap<>();
    private final List<Duration> retrySchedule;
    private final HikariDataSource db;
    private final HttpClient http;
    private final Semaphore inflight;
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>(1_000_000);
    private final BlockingQueue<Task> sendQueue = new LinkedBlockingQueue<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "retry-timer"));
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;

    Pipeline(List<Hook> hooks, List<Duration> retrySchedule, HikariDataSource db, int inflight) {
        hooks.forEach(h -> hooksBySubject.computeIfAbsent(h.subject(), k -> new ArrayList<>()).add(h));
        this.retrySchedule = retrySchedule;
        this.db = db;
        this.inflight = new Semaphore(inflight);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public static void main(String[] args) throws Exception {
        Child.exitWhenParentGone();
        int port = Integer.parseInt(arg(args, "--port", null));
        List<Hook> hooks = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--hook")) {
                String[] p = args[i + 1].split("\\|", 3);
                hooks.add(new Hook(hooks.size() + 1, p[0], p[1], new Webhook(p[2])));
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(arg(args, "--jdbc", null));
        hc.setUsername(arg(args, "--db-user", "postgres"));
        hc.setMaximumPoolSize(8);
        hc.setPoolName("baseline");
        HikariDataSource ds = new HikariDataSource(hc);
        createSchema(ds);

        Pipeline p = new Pipeline(hooks, parseSchedule(arg(args, "--retry", "5s,30s,2m,10m,30m,1h,3h,6h")), ds,
                Integer.parseInt(arg(args, "--inflight", "32")));
        p.startWorkers();
        Connection nc = Nats.connect(new Options.Builder().server(arg(args, "--nats", null)).connectionName("baseline")
                .maxReconnects(-1).build());
        Dispatcher d = nc.createDispatcher(p::accept);
        d.subscribe(">", arg(args, "--queue-group", "baseline"));
        nc.flush(Duration.ofSeconds(5));

        HttpServer health = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        health.createContext("/health/ready", ex -> {
            byte[] ok = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        health.createContext("/stats", ex -> {
            byte[] out = ("dropped=" + p.dropped.get() + " inbox=" + p.inbox.size() + " sendQueue=" + p.sendQueue.size()
                    + " outcomes=" + p.outcomes.size()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        health.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            health.stop(0);
            try {
                nc.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.running = false;
            ds.close();
        }, "baseline-stop"));
        System.out.println("baseline-ready " + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    static void createSchema(HikariDataSource ds) throws SQLException {
        try (var c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS deliveries (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                    + "updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), webhook_id BIGINT NOT NULL, message_id TEXT NOT NULL, "
                    + "event TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INT NOT NULL DEFAULT 0, "
                    + "next_attempt_at TIMESTAMPTZ, last_status_code INT)");
            st.execute("CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'");
            st.execute("CREATE TABLE IF NOT EXISTS logs (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                    + "delivery_id BIGINT NOT NULL, webhook_id BIGINT NOT NULL, message_id TEXT NOT NULL, event TEXT NOT NULL, "
                    + "url TEXT NOT NULL, attempt INT NOT NULL, status_code INT NOT NULL, duration_ms INT NOT NULL, error TEXT, "
                    + "data TEXT NOT NULL, response_body TEXT)");
            st.execute("CREATE INDEX IF NOT EXISTS logs_delivery ON logs (delivery_id)");
        }
    }

    /** On the NATS dispatcher thread: hand off only. */
    private void accept(Message m) {
        if (!inbox.offer(m)) {
            dropped.incrementAndGet();
        }
    }

    private void startWorkers() {
        daemon(this::ingestLoop, "ingest").start();
        daemon(this::sendLoop, "send").start();
        daemon(this::recordLoop, "record").start();
    }

    /** Messages → one envelope each → delivery rows, a batch per transaction → the send queue. */
    private void ingestLoop() {
        List<Message> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                Message first = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, BATCH - 1);
                sendQueue.addAll(store(batch));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.err.println("baseline ingest: " + e);
            } finally {
                batch.clear();
            }
        }
    }

    private List<Task> store(List<Message> messages) throws SQLException {
        List<Task> pending = new ArrayList<>();
        Instant now = Instant.now();
        for (Message m : messages) {
            List<Hook> hooks = hooksBySubject.get(m.getSubject());
            if (hooks == null) {
                continue;
            }
            String id = "msg_" + UUID.randomUUID();
            String body = envelope(id, m.getSubject(), m.getData(), now);
            for (Hook h : hooks) {
                pending.add(new Task(0, h, id, m.getSubject(), body, 0));
            }
        }
        if (pending.isEmpty()) {
            return pending;
        }
        List<Task> stored = new ArrayList<>(pending.size());
        try (var c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO deliveries (webhook_id, message_id, event, payload, next_attempt_at) "
                    + "VALUES (?, ?, ?, ?, ?)", new String[]{"id"})) {
                Timestamp lease = Timestamp.from(now.plus(LEASE));
                for (Task t : pending) {
                    ps.setLong(1, t.hook().id());
                    ps.setString(2, t.messageId());
                    ps.setString(3, t.subject());
                    ps.setString(4, t.body());
                    ps.setTimestamp(5, lease);
                    ps.addBatch();
                }
                ps.executeBatch();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    int i = 0;
                    while (keys.next()) {
                        Task t = pending.get(i++);
                        stored.add(new Task(keys.getLong(1), t.hook(), t.messageId(), t.subject(), t.body(), 0));
                    }
                }
            }
            c.commit();
        }
        return stored;
    }

    /** The envelope hukz sends: {id, event, contains, created_at, payload}; a non-JSON payload as a JSON string. */
    static String envelope(String id, String subject, byte[] data, Instant createdAt) {
        String text = new String(data, StandardCharsets.UTF_8);
        String payload = data.length == 0 ? "null" : isJson(text) ? text : quote(text);
        int dot = subject.indexOf('.');
        return "{\"id\":" + quote(id) + ",\"event\":" + quote(subject) + ",\"contains\":[" + quote(dot < 0 ? subject : subject.substring(0, dot))
                + "],\"created_at\":\"" + RFC3339.format(createdAt.truncatedTo(ChronoUnit.MICROS)) + "\",\"payload\":" + payload + "}";
    }

    static boolean isJson(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** Send queue → signed async POSTs, at most {@code inflight} at once → the outcome queue. */
    private void sendLoop() {
        while (running) {
            try {
                Task t = sendQueue.poll(100, TimeUnit.MILLISECONDS);
                if (t == null) {
                    continue;
                }
                inflight.acquire();
                send(t);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                inflight.release();
                System.err.println("baseline send: " + e);
            }
        }
    }

    private void send(Task t) {
        long ts = Instant.now().getEpochSecond();
        String signature;
        try {
            signature = t.hook().signer().sign(t.messageId(), ts, t.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(t.hook().url()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "hukz-baseline/1")
                .header("webhook-id", t.messageId())
                .header("webhook-timestamp", Long.toString(ts))
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(t.body()))
                .build();
        long started = System.nanoTime();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            inflight.release();
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (failure != null) {
                outcomes.add(new Outcome(t, 0, null, String.valueOf(failure.getMessage()), ms));
            } else {
                int s = response.statusCode();
                String body = response.body();
                outcomes.add(new Outcome(t, s, body.length() > 65536 ? body.substring(0, 65536) : body,
                        s >= 200 && s <= 299 ? null : "HTTP " + s, ms));
            }
        });
    }

    /** Outcomes → log rows and delivery states, a batch per transaction; failures wait for their retry. */
    private void recordLoop() {
        List<Outcome> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                Outcome first = outcomes.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outcomes.drainTo(batch, BATCH - 1);
                record(batch);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.err.println("baseline record: " + e);
            } finally {
                batch.clear();
            }
        }
    }

    private void record(List<Outcome> batch) throws SQLException {
        Instant now = Instant.now();
        List<Runnable> retries = new ArrayList<>();
        try (var c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement log = c.prepareStatement("INSERT INTO logs (delivery_id, webhook_id, message_id, event, url, attempt, "
                    + "status_code, duration_ms, error, data, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement state = c.prepareStatement("UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, "
                         + "last_status_code = ?, updated_at = now() WHERE id = ?")) {
                for (Outcome o : batch) {
                    Task t = o.task();
                    int attempt = t.attemptsMade() + 1;
                    boolean ok = o.status() >= 200 && o.status() <= 299;
                    Duration delay = ok || attempt > retrySchedule.size() ? null : retrySchedule.get(attempt - 1);
                    String status = ok ? "delivered" : delay == null ? "failed" : "pending";
                    log.setLong(1, t.deliveryId());
                    log.setLong(2, t.hook().id());
                    log.setString(3, t.messageId());
                    log.setString(4, t.subject());
                    log.setString(5, t.hook().url());
                    log.setInt(6, attempt);
                    log.setInt(7, o.status());
                    log.setInt(8, (int) o.durationMs());
                    log.setString(9, o.error());
                    log.setString(10, t.body());
                    log.setString(11, o.responseBody());
                    log.addBatch();
                    state.setString(1, status);
                    state.setInt(2, attempt);
                    if (delay == null) {
                        state.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        state.setTimestamp(3, Timestamp.from(now.plus(delay)));
                    }
                    state.setInt(4, o.status());
                    state.setLong(5, t.deliveryId());
                    state.addBatch();
                    if (delay != null) {
                        Task next = new Task(t.deliveryId(), t.hook(), t.messageId(), t.subject(), t.body(), attempt);
                        retries.add(() -> retryTimer.schedule(() -> sendQueue.add(next), delay.toMillis(), TimeUnit.MILLISECONDS));
                    }
                }
                log.executeBatch();
                state.executeBatch();
            }
            c.commit();
        }
        retries.forEach(Runnable::run);
    }

    static List<Duration> parseSchedule(String text) {
        List<Duration> steps = new ArrayList<>();
        for (String s : text.split(",")) {
            s = s.trim();
            if (s.endsWith("ms")) {
                steps.add(Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2))));
            } else {
                long n = Long.parseLong(s.substring(0, s.length() - 1));
                steps.add(switch (s.charAt(s.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new IllegalArgumentException("bad retry step " + s);
                });
            }
        }
        return steps;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, "baseline-" + name);
        t.setDaemon(true);
        return t;
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return fallback;
    }
}
