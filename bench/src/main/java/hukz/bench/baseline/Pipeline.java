package hukz.bench.baseline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline the bench compares hukz with: the same durable job written by hand, as a competent engineer
 * would write it for speed, with nothing in between.
 * <ol>
 *   <li>jnats dispatcher → an in-memory inbox (hand-off only, so NATS never waits on the database);</li>
 *   <li>an ingest thread drains up to {@value #BATCH} messages, builds each envelope once (shared by all its
 *       webhooks) and stores one delivery row per (message, webhook) with ONE statement
 *       ({@code INSERT … SELECT FROM unnest(arrays) RETURNING id}, its own transaction) before any attempt;</li>
 *   <li>the stored deliveries go straight to the HTTP client (JDK {@code HttpClient}, HTTP/1.1 keep-alive,
 *       {@code sendAsync}), at most {@code --inflight} at once: a completing request starts the next one,
 *       so no thread waits on a socket; each POST is signed (Standard Webhooks, HMAC-SHA256 with one
 *       {@code Mac} per thread and secret);</li>
 *   <li>a record thread drains up to {@value #BATCH} outcomes and, in ONE transaction, inserts their log rows
 *       and updates their deliveries (two {@code unnest} statements, one commit); failed attempts wait in
 *       memory for the retry schedule's delay.</li>
 * </ol>
 * Tables, columns and indexes are hukz's own {@code deliveries} and {@code webhook_logs}, so both write the same
 * rows. Webhooks come from a file (one {@code SUBJECT|URL|WHSEC_SECRET} a line), matched by exact subject.
 * <pre>
 * java -cp hukz-bench.jar hukz.bench.baseline.Pipeline --port P --jdbc URL --db-user U --nats URL
 *      [--queue-group G] [--retry 5s,30s] [--inflight 32] --hooks FILE
 * </pre>
 */
public final class Pipeline {
    static final int BATCH = 1000;
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** next_attempt_at of a fresh row: a lease, as hukz's, so a crashed instance's deliveries become due again. */
    static final Duration LEASE = Duration.ofSeconds(35);
    static final int MAX_RESPONSE_CHARS = 65536;
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    record Hook(long id, String subject, String url, URI uri, Signer signer) {
    }

    /** One delivery: its row id, where it goes, and the envelope shared by every webhook of the message. */
    record Task(long deliveryId, Hook hook, String messageId, String subject, String body, byte[] bodyBytes, int attemptsMade) {
        Task next() {
            return new Task(deliveryId, hook, messageId, subject, body, bodyBytes, attemptsMade + 1);
        }
    }

    record Outcome(Task task, int status, String responseBody, String error, long durationMs) {
    }

    private final Map<String, List<Hook>> hooksBySubject = new HashMap<>();
    private final List<Duration> retrySchedule;
    private final HikariDataSource db;
    private final HttpClient http;
    private final int maxInflight;
    private final AtomicInteger inflight = new AtomicInteger();
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>(1_000_000);
    private final ConcurrentLinkedQueue<Task> ready = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "retry-timer"));
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;

    Pipeline(List<Hook> hooks, List<Duration> retrySchedule, HikariDataSource db, int maxInflight) {
        hooks.forEach(h -> hooksBySubject.computeIfAbsent(h.subject(), k -> new ArrayList<>()).add(h));
        this.retrySchedule = retrySchedule;
        this.db = db;
        this.maxInflight = maxInflight;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                // callbacks only queue an outcome and start the next request: run them where the response completed
                .executor(Runnable::run)
                .build();
    }

    public static void main(String[] args) throws Exception {
        // On two cores the common pool has parallelism 1, and CompletableFuture then starts a new thread for every
        // async step the JDK HttpClient hands it; with 2 it runs them on the pool.
        System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        Child.exitWhenParentGone();
        int port = Integer.parseInt(arg(args, "--port", null));
        List<Hook> hooks = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(arg(args, "--hooks", null)))) {
            if (line.isBlank()) {
                continue;
            }
            String[] p = line.split("\\|", 3);
            hooks.add(new Hook(hooks.size() + 1, p[0], p[1], URI.create(p[1]), new Signer(p[2])));
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(arg(args, "--jdbc", null));
        hc.setUsername(arg(args, "--db-user", "postgres"));
        hc.setMaximumPoolSize(4);
        hc.setPoolName("baseline");
        HikariDataSource ds = new HikariDataSource(hc);
        createSchema(ds);

        Pipeline p = new Pipeline(hooks, parseSchedule(arg(args, "--retry", "5s,30s,2m,10m,30m,1h,3h,6h")), ds,
                Integer.parseInt(arg(args, "--inflight", "32")));
        p.startWorkers();
        Connection nc = Nats.connect(new Options.Builder().server(arg(args, "--nats", null)).connectionName("baseline")
                .maxReconnects(-1).build());
        Dispatcher d = nc.createDispatcher(p::accept);
        d.setPendingLimits(-1, -1);
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
            byte[] out = ("dropped=" + p.dropped.get() + " inbox=" + p.inbox.size() + " ready=" + p.ready.size()
                    + " inflight=" + p.inflight.get() + " outcomes=" + p.outcomes.size()).getBytes(StandardCharsets.UTF_8);
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

    /** hukz's deliveries and webhook_logs (V1), less the foreign key to its webhooks table. */
    static void createSchema(HikariDataSource ds) throws SQLException {
        try (var c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS deliveries (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                    + "updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), webhook_id BIGINT NOT NULL, message_id TEXT NOT NULL, "
                    + "event TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INT NOT NULL DEFAULT 0, "
                    + "next_attempt_at TIMESTAMPTZ, last_status_code INT, last_error TEXT)");
            st.execute("CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'");
            st.execute("CREATE INDEX IF NOT EXISTS deliveries_webhook ON deliveries (webhook_id, id)");
            st.execute("CREATE TABLE IF NOT EXISTS webhook_logs (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                    + "created_by_id BIGINT NOT NULL, event TEXT NOT NULL, url TEXT NOT NULL, response_status_code INT NOT NULL DEFAULT 0, "
                    + "data JSON, response_body JSON, tags JSONB NOT NULL DEFAULT '{}', webhook_id BIGINT NOT NULL, delivery_id BIGINT, "
                    + "message_id TEXT, attempt INT NOT NULL DEFAULT 1, duration_ms INT NOT NULL DEFAULT 0, error TEXT)");
            st.execute("CREATE INDEX IF NOT EXISTS webhook_logs_user ON webhook_logs (created_by_id, id DESC)");
            st.execute("CREATE INDEX IF NOT EXISTS webhook_logs_webhook ON webhook_logs (webhook_id, id DESC)");
            st.execute("CREATE INDEX IF NOT EXISTS webhook_logs_delivery ON webhook_logs (delivery_id)");
            st.execute("CREATE INDEX IF NOT EXISTS webhook_logs_created ON webhook_logs (created_at)");
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
        daemon(this::recordLoop, "record").start();
    }

    /** Messages → envelopes → delivery rows (one statement per batch) → the HTTP client. */
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
                ready.addAll(store(batch));
                pump();
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
        Instant now = Instant.now();
        List<Task> pending = new ArrayList<>();
        for (Message m : messages) {
            List<Hook> hooks = hooksBySubject.get(m.getSubject());
            if (hooks == null) {
                continue;
            }
            String id = "msg_" + UUID.randomUUID();
            String body = envelope(id, m.getSubject(), m.getData(), now);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            for (Hook h : hooks) {
                pending.add(new Task(0, h, id, m.getSubject(), body, bytes, 0));
            }
        }
        if (pending.isEmpty()) {
            return pending;
        }
        int n = pending.size();
        Long[] webhookIds = new Long[n];
        String[] messageIds = new String[n];
        String[] events = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Task t = pending.get(i);
            webhookIds[i] = t.hook().id();
            messageIds[i] = t.messageId();
            events[i] = t.subject();
            payloads[i] = t.body();
        }
        List<Task> stored = new ArrayList<>(n);
        try (var c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO deliveries (webhook_id, message_id, event, payload, next_attempt_at) "
                        + "SELECT w, m, e, p, ? FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS t(w, m, e, p, o) "
                        + "ORDER BY o RETURNING id")) {
            ps.setTimestamp(1, Timestamp.from(now.plus(LEASE)));
            ps.setArray(2, c.createArrayOf("bigint", webhookIds));
            ps.setArray(3, c.createArrayOf("text", messageIds));
            ps.setArray(4, c.createArrayOf("text", events));
            ps.setArray(5, c.createArrayOf("text", payloads));
            // RETURNING gives the rows in insertion order, which ORDER BY o makes the arrays' order
            try (ResultSet rs = ps.executeQuery()) {
                int i = 0;
                while (rs.next()) {
                    Task t = pending.get(i++);
                    stored.add(new Task(rs.getLong(1), t.hook(), t.messageId(), t.subject(), t.body(), t.bodyBytes(), 0));
                }
            }
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

    /** Starts ready deliveries while fewer than the limit are in flight; called by producers and by completions. */
    private void pump() {
        while (true) {
            int n = inflight.get();
            if (n >= maxInflight) {
                return;
            }
            if (!inflight.compareAndSet(n, n + 1)) {
                continue;
            }
            Task t = ready.poll();
            if (t == null) {
                inflight.decrementAndGet();
                // a task queued between poll and decrement must not wait for the next completion
                if (ready.isEmpty()) {
                    return;
                }
                continue;
            }
            send(t);
        }
    }

    private void send(Task t) {
        long ts = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(t.hook().uri())
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "hukz-baseline/1")
                .header("webhook-id", t.messageId())
                .header("webhook-timestamp", Long.toString(ts))
                .header("webhook-signature", t.hook().signer().sign(t.messageId(), ts, t.bodyBytes()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(t.bodyBytes()))
                .build();
        long started = System.nanoTime();
        try {
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                long ms = (System.nanoTime() - started) / 1_000_000;
                if (failure != null) {
                    outcomes.add(new Outcome(t, 0, null, String.valueOf(failure.getMessage()), ms));
                } else {
                    int s = response.statusCode();
                    String body = response.body();
                    outcomes.add(new Outcome(t, s, body.length() > MAX_RESPONSE_CHARS ? body.substring(0, MAX_RESPONSE_CHARS) : body,
                            s >= 200 && s <= 299 ? null : "HTTP " + s, ms));
                }
                inflight.decrementAndGet();
                pump();
            });
        } catch (RuntimeException e) {
            outcomes.add(new Outcome(t, 0, null, e.toString(), 0));
            inflight.decrementAndGet();
        }
    }

    /** Outcomes → log rows and delivery states, one transaction per batch; failures wait for their retry. */
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
        int n = batch.size();
        Long[] createdBy = new Long[n];
        String[] events = new String[n];
        String[] urls = new String[n];
        Integer[] codes = new Integer[n];
        String[] data = new String[n];
        String[] bodies = new String[n];
        String[] tags = new String[n];
        Long[] webhookIds = new Long[n];
        Long[] deliveryIds = new Long[n];
        String[] messageIds = new String[n];
        Integer[] attempts = new Integer[n];
        Integer[] durations = new Integer[n];
        String[] errors = new String[n];
        String[] states = new String[n];
        Timestamp[] next = new Timestamp[n];
        List<Runnable> retries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Outcome o = batch.get(i);
            Task t = o.task();
            int attempt = t.attemptsMade() + 1;
            boolean ok = o.status() >= 200 && o.status() <= 299;
            Duration delay = ok || attempt > retrySchedule.size() ? null : retrySchedule.get(attempt - 1);
            createdBy[i] = 1L;
            events[i] = t.subject();
            urls[i] = t.hook().url();
            codes[i] = o.status();
            data[i] = t.body();
            bodies[i] = responseJson(o.responseBody());
            tags[i] = "{}";
            webhookIds[i] = t.hook().id();
            deliveryIds[i] = t.deliveryId();
            messageIds[i] = t.messageId();
            attempts[i] = attempt;
            durations[i] = (int) Math.min(Integer.MAX_VALUE, o.durationMs());
            errors[i] = o.error();
            states[i] = ok ? "delivered" : delay == null ? "failed" : "pending";
            next[i] = delay == null ? null : Timestamp.from(now.plus(delay));
            if (delay != null) {
                Task retry = t.next();
                retries.add(() -> retryTimer.schedule(() -> {
                    ready.add(retry);
                    pump();
                }, delay.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        try (var c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement log = c.prepareStatement("INSERT INTO webhook_logs (created_by_id, event, url, response_status_code, "
                    + "data, response_body, tags, webhook_id, delivery_id, message_id, attempt, duration_ms, error) "
                    + "SELECT c, e, u, s, d::json, b::json, t::jsonb, w, dl, m, a, du, er FROM unnest(?::bigint[], ?::text[], ?::text[], "
                    + "?::int[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::int[], ?::text[]) "
                    + "AS x(c, e, u, s, d, b, t, w, dl, m, a, du, er)");
                 PreparedStatement state = c.prepareStatement("UPDATE deliveries d SET attempts = x.a, status = x.st, next_attempt_at = x.nx, "
                         + "last_status_code = x.s, last_error = x.er, updated_at = now() FROM unnest(?::bigint[], ?::int[], ?::text[], "
                         + "?::timestamptz[], ?::int[], ?::text[]) AS x(id, a, st, nx, s, er) WHERE d.id = x.id AND d.status = 'pending' "
                         + "AND d.attempts < x.a")) {
                set(c, log, 1, "bigint", createdBy);
                set(c, log, 2, "text", events);
                set(c, log, 3, "text", urls);
                set(c, log, 4, "int", codes);
                set(c, log, 5, "text", data);
                set(c, log, 6, "text", bodies);
                set(c, log, 7, "text", tags);
                set(c, log, 8, "bigint", webhookIds);
                set(c, log, 9, "bigint", deliveryIds);
                set(c, log, 10, "text", messageIds);
                set(c, log, 11, "int", attempts);
                set(c, log, 12, "int", durations);
                set(c, log, 13, "text", errors);
                log.executeUpdate();
                set(c, state, 1, "bigint", deliveryIds);
                set(c, state, 2, "int", attempts);
                set(c, state, 3, "text", states);
                set(c, state, 4, "timestamptz", next);
                set(c, state, 5, "int", codes);
                set(c, state, 6, "text", errors);
                state.executeUpdate();
            }
            c.commit();
        }
        retries.forEach(Runnable::run);
    }

    private static void set(java.sql.Connection c, PreparedStatement ps, int index, String type, Object[] values) throws SQLException {
        Array a = c.createArrayOf(type, values);
        ps.setArray(index, a);
    }

    /** As hukz keeps it: nothing for an empty answer, JSON as it came, anything else as a JSON string. */
    static String responseJson(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        return isJson(body) ? body : quote(body);
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
