package hukz.bench;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook receiver of the bench, in its own process: answers every POST at once (200, or 500 for a
 * deterministic share of first and second attempts when told to) and remembers, per delivery
 * (webhook-id + URL path), when it first answered 200 and the publish time carried in the payload.
 * Control routes live under {@code /_bench/}; hooks may use any other path.
 * {@code java -cp hukz-bench.jar hukz.bench.ReceiverMain --port P [--threads 16]}
 */
public final class ReceiverMain {
    /** A share of attempts 1 and 2 fail; attempt 3 always succeeds, so a schedule of 3+ attempts loses nothing. */
    static final int LAST_FAILING_ATTEMPT = 2;
    /** Every n-th request has its Standard Webhooks signature checked, when the path's secret is known. */
    static final int VERIFY_EVERY = 50;

    /** One delivery's first success: publish time from the payload, receipt time, both epoch micros. */
    record Receipt(long publishedMicros, long receivedMicros) {
    }

    private volatile State state = new State(0);

    private static final class State {
        final int failPercent;
        final Map<String, Integer> attempts = new ConcurrentHashMap<>();
        final Map<String, Receipt> delivered = new ConcurrentHashMap<>();
        final Map<String, Boolean> seqs = new ConcurrentHashMap<>();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong failedAnswers = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong seqDuplicates = new AtomicLong();
        final AtomicLong verified = new AtomicLong();
        final AtomicLong badSignatures = new AtomicLong();
        final AtomicLong unparsable = new AtomicLong();
        final AtomicLong lastReceivedMicros = new AtomicLong();

        State(int failPercent) {
            this.failPercent = failPercent;
        }
    }

    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
        // ~40 ms per request on a keep-alive connection, which would cap every system at a few hundred/s.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(Child.arg(args, "--port", null));
        int threads = Integer.parseInt(Child.arg(args, "--threads", "16"));
        Child.exitWhenParentGone();
        ReceiverMain receiver = new ReceiverMain();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        server.setExecutor(pool);
        server.createContext("/", receiver::handle);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            pool.shutdownNow();
        }, "receiver-stop"));
        System.out.println("receiver-ready " + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/_bench/")) {
                control(exchange, path);
            } else {
                hook(exchange, path);
            }
        } catch (RuntimeException e) {
            reply(exchange, 500, e.toString());
        } finally {
            exchange.close();
        }
    }

    private void hook(HttpExchange exchange, String path) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        long now = Child.micros();
        State s = state;
        long n = s.requests.incrementAndGet();
        String webhookId = exchange.getRequestHeaders().getFirst("webhook-id");
        String key = webhookId + " " + path;
        int attempt = s.attempts.merge(key, 1, Integer::sum);
        if (fails(s.failPercent, key, attempt)) {
            s.failedAnswers.incrementAndGet();
            reply(exchange, 500, "");
            return;
        }
        String body = new String(bytes, StandardCharsets.UTF_8);
        long published = longField(body, "\"bench_ts\":");
        long seq = longField(body, "\"bench_seq\":");
        if (published < 0 || seq < 0 || webhookId == null) {
            s.unparsable.incrementAndGet();
        }
        if (s.delivered.putIfAbsent(key, new Receipt(published, now)) != null) {
            s.duplicates.incrementAndGet();
        } else if (s.seqs.putIfAbsent(seq + " " + path, Boolean.TRUE) != null) {
            // a new webhook-id for a message this hook already had: the message was consumed twice
            s.seqDuplicates.incrementAndGet();
        }
        s.lastReceivedMicros.accumulateAndGet(now, Math::max);
        String secret = secrets.get(path);
        if (secret != null && n % VERIFY_EVERY == 0) {
            verify(s, secret, body, exchange);
        }
        reply(exchange, 200, "");
    }

    /** Deterministic per (delivery, attempt), so a rerun fails the same attempts. */
    static boolean fails(int failPercent, String key, int attempt) {
        if (failPercent <= 0 || attempt > LAST_FAILING_ATTEMPT) {
            return false;
        }
        int h = (key + "#" + attempt).hashCode() * 0x9E3779B1;
        return Math.floorMod(h ^ (h >>> 15), 100) < failPercent;
    }

    private static void verify(State s, String secret, String body, HttpExchange exchange) {
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v));
        try {
            new Webhook(secret).verify(body, headers);
            s.verified.incrementAndGet();
        } catch (Exception e) {
            s.badSignatures.incrementAndGet();
        }
    }

    /** The non-negative integer after {@code field} in the body, or -1. Both systems embed the payload verbatim. */
    static long longField(String body, String field) {
        int i = body.indexOf(field);
        if (i < 0) {
            return -1;
        }
        i += field.length();
        while (i < body.length() && body.charAt(i) == ' ') {
            i++;
        }
        long v = 0;
        int start = i;
        while (i < body.length() && Character.isDigit(body.charAt(i)) && i - start < 19) {
            v = v * 10 + (body.charAt(i) - '0');
            i++;
        }
        return i == start ? -1 : v;
    }

    private void control(HttpExchange exchange, String path) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI());
        switch (path) {
            case "/_bench/reset" -> {
                state = new State(Integer.parseInt(q.getOrDefault("fail", "0")));
                reply(exchange, 200, "ok");
            }
            case "/_bench/secret" -> {
                secrets.put(q.get("path"), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).trim());
                reply(exchange, 200, "ok");
            }
            case "/_bench/count" -> {
                State s = state;
                reply(exchange, 200, s.delivered.size() + " " + s.requests.get() + " " + s.lastReceivedMicros.get());
            }
            case "/_bench/stats" -> reply(exchange, 200, stats(state));
            default -> reply(exchange, 404, "no such control route");
        }
    }

    /** First line: the counters; then one line "published received" (epoch micros) per delivery. */
    private static String stats(State s) {
        StringBuilder out = new StringBuilder(s.delivered.size() * 36 + 200);
        out.append("delivered=").append(s.delivered.size())
                .append(" requests=").append(s.requests.get())
                .append(" failed_answers=").append(s.failedAnswers.get())
                .append(" duplicates=").append(s.duplicates.get())
                .append(" seq_duplicates=").append(s.seqDuplicates.get())
                .append(" verified=").append(s.verified.get())
                .append(" bad_signatures=").append(s.badSignatures.get())
                .append(" unparsable=").append(s.unparsable.get())
                .append('\n');
        for (Receipt r : s.delivered.values()) {
            out.append(r.publishedMicros()).append(' ').append(r.receivedMicros()).append('\n');
        }
        return out.toString();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        String raw = uri.getQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return q;
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }
}
