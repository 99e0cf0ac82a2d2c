package hukz.bench;

import com.standardwebhooks.Webhook;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook receiver of the bench, in its own process: answers every POST at once (200, or 500 for a
 * deterministic share of first and second attempts when told to) and remembers, per delivery
 * (webhook-id + URL path), when it first answered 200 and the publish time carried in the payload.
 * Control routes live under {@code /_bench/}; hooks may use any other path.
 * It runs on {@link RawHttpServer}, one non-blocking thread, so that it costs far less CPU than either system.
 * {@code java -cp hukz-bench.jar hukz.bench.ReceiverMain --port P}
 */
public final class ReceiverMain {
    /** A share of attempts 1 and 2 fail; attempt 3 always succeeds, so a schedule of 3+ attempts loses nothing. */
    static final int LAST_FAILING_ATTEMPT = 2;
    /** Every n-th request has its Standard Webhooks signature checked, when the path's secret is known. */
    static final int VERIFY_EVERY = 50;

    /** One delivery's first success: publish time from the payload, receipt time, both epoch micros. */
    record Receipt(String path, long publishedMicros, long receivedMicros) {
    }

    /** Hooks under this path are never answered: the connection stays open until the sender gives up. */
    static final String HANG_PREFIX = "/hang/";
    private static final RawHttpServer.Response EMPTY_200 = new RawHttpServer.Response(200, new byte[0]);
    private static final RawHttpServer.Response EMPTY_500 = new RawHttpServer.Response(500, new byte[0]);

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
        final AtomicLong hung = new AtomicLong();
        final AtomicLong lastReceivedMicros = new AtomicLong();

        State(int failPercent) {
            this.failPercent = failPercent;
        }
    }

    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Child.arg(args, "--port", null));
        Child.exitWhenParentGone();
        ReceiverMain receiver = new ReceiverMain();
        RawHttpServer server = new RawHttpServer("127.0.0.1", port, receiver::handle);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "receiver-stop"));
        System.out.println("receiver-ready " + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    private RawHttpServer.Response handle(RawHttpServer.Request request) {
        try {
            String path = request.path();
            if (path.startsWith("/_bench/")) {
                return control(request, path);
            }
            if (path.startsWith(HANG_PREFIX)) {
                // a webhook endpoint that accepts the connection and never answers (the noisy neighbour)
                state.hung.incrementAndGet();
                return null;
            }
            return hook(request, path);
        } catch (RuntimeException e) {
            return text(500, e.toString());
        }
    }

    private RawHttpServer.Response hook(RawHttpServer.Request request, String path) {
        long now = Child.micros();
        State s = state;
        long n = s.requests.incrementAndGet();
        String webhookId = request.header("webhook-id");
        String key = webhookId + " " + path;
        int attempt = s.attempts.merge(key, 1, Integer::sum);
        if (fails(s.failPercent, key, attempt)) {
            s.failedAnswers.incrementAndGet();
            return EMPTY_500;
        }
        String body = new String(request.body(), StandardCharsets.UTF_8);
        long published = longField(body, "\"bench_ts\":");
        long seq = longField(body, "\"bench_seq\":");
        if (published < 0 || seq < 0 || webhookId == null) {
            s.unparsable.incrementAndGet();
        }
        if (s.delivered.putIfAbsent(key, new Receipt(path, published, now)) != null) {
            s.duplicates.incrementAndGet();
        } else if (s.seqs.putIfAbsent(seq + " " + path, Boolean.TRUE) != null) {
            // a new webhook-id for a message this hook already had: the message was consumed twice
            s.seqDuplicates.incrementAndGet();
        }
        s.lastReceivedMicros.accumulateAndGet(now, Math::max);
        String secret = secrets.get(path);
        if (secret != null && n % VERIFY_EVERY == 0) {
            verify(s, secret, body, request);
        }
        return EMPTY_200;
    }

    /** Deterministic per (delivery, attempt), so a rerun fails the same attempts. */
    static boolean fails(int failPercent, String key, int attempt) {
        if (failPercent <= 0 || attempt > LAST_FAILING_ATTEMPT) {
            return false;
        }
        int h = (key + "#" + attempt).hashCode() * 0x9E3779B1;
        return Math.floorMod(h ^ (h >>> 15), 100) < failPercent;
    }

    private static void verify(State s, String secret, String body, RawHttpServer.Request request) {
        Map<String, List<String>> headers = new HashMap<>();
        request.headers().forEach((k, v) -> headers.put(k, List.of(v)));
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

    private RawHttpServer.Response control(RawHttpServer.Request request, String path) {
        Map<String, String> q = query(request.query());
        return switch (path) {
            case "/_bench/reset" -> {
                state = new State(Integer.parseInt(q.getOrDefault("fail", "0")));
                yield text(200, "ok");
            }
            case "/_bench/secret" -> {
                secrets.put(q.get("path"), new String(request.body(), StandardCharsets.UTF_8).trim());
                yield text(200, "ok");
            }
            case "/_bench/count" -> {
                State s = state;
                yield text(200, s.delivered.size() + " " + s.requests.get() + " " + s.lastReceivedMicros.get());
            }
            case "/_bench/stats" -> text(200, stats(state));
            default -> text(404, "no such control route");
        };
    }

    /** First line: the counters; then one line "published received path" (epoch micros) per delivery. */
    private static String stats(State s) {
        StringBuilder out = new StringBuilder(s.delivered.size() * 60 + 200);
        out.append("delivered=").append(s.delivered.size())
                .append(" requests=").append(s.requests.get())
                .append(" failed_answers=").append(s.failedAnswers.get())
                .append(" duplicates=").append(s.duplicates.get())
                .append(" seq_duplicates=").append(s.seqDuplicates.get())
                .append(" verified=").append(s.verified.get())
                .append(" bad_signatures=").append(s.badSignatures.get())
                .append(" unparsable=").append(s.unparsable.get())
                .append(" hung=").append(s.hung.get())
                .append('\n');
        for (Receipt r : s.delivered.values()) {
            out.append(r.publishedMicros()).append(' ').append(r.receivedMicros()).append(' ').append(r.path()).append('\n');
        }
        return out.toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static RawHttpServer.Response text(int status, String text) {
        return new RawHttpServer.Response(status, text.getBytes(StandardCharsets.UTF_8));
    }
}
