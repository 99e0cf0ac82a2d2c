package hukz.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's routes at a month's scale: hukz (target/hukz.jar) on PostgreSQL holding {@code --rows}
 * webhook_logs rows (80% of them the caller's) and as many deliveries, spread over 30 days, 25 webhooks of two
 * users, 10 events. Each route is asked once to warm up, then {@code --reps} times; the table shows the median.
 * Rows are written with SQL in the shape hukz writes them (the triggers that keep the list totals run as they
 * would), then VACUUM ANALYZE, as autovacuum would have done over the month.
 * {@code bench/scale.sh [--rows 2000000] [--reps 5]}
 */
public final class ScaleBench {
    private static final String NATS_SERVER = "/usr/sbin/nats-server";
    private static final int CHUNK = 250_000;

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(Child.arg(args, "--root", ".")).toAbsolutePath();
        int rows = Integer.parseInt(Child.arg(args, "--rows", "2000000"));
        int reps = Integer.parseInt(Child.arg(args, "--reps", "5"));
        Path benchJar = root.resolve("bench/target/hukz-bench.jar");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path outDir = root.resolve("bench/results/scale-" + stamp);
        Files.createDirectories(outDir);
        Procs procs = new Procs(outDir);
        say("process logs in " + outDir);

        int pgPort = Procs.freePort();
        Process pg = procs.startHelper("postgres", List.of(javaBin(), "-cp", benchJar.toString(), PgMain.class.getName(),
                "--port", String.valueOf(pgPort)), root, Map.of());
        int natsPort = Procs.freePort();
        Process nats = procs.start("nats-server", List.of(NATS_SERVER, "-a", "127.0.0.1", "-p", String.valueOf(natsPort)), root, Map.of());
        Process hukz = null;
        try {
            procs.awaitLine(pg, "postgres", "pg-ready", 120_000);
            String jdbc = "jdbc:postgresql://127.0.0.1:" + pgPort + "/";
            try (Connection c = DriverManager.getConnection(jdbc + "postgres", "postgres", ""); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE scale");
            }
            int port = Procs.freePort();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HUKZ_DATABASE_HOST", "127.0.0.1");
            env.put("HUKZ_DATABASE_PORT", String.valueOf(pgPort));
            env.put("HUKZ_DATABASE_USER", "postgres");
            env.put("HUKZ_DATABASE_NAME", "scale");
            env.put("HUKZ_DATABASE_SSL_MODE", "disable");
            env.put("HUKZ_NATS_URL", "nats://127.0.0.1:" + natsPort);
            env.put("HUKZ_SERVER_PORT", String.valueOf(port));
            env.put("HUKZ_ALLOW_PRIVATE_URLS", "true");
            // the filled pending deliveries are due in a day: nothing is attempted while routes are timed
            hukz = procs.start("hukz", List.of(javaBin(), "-jar", root.resolve("target/hukz.jar").toString()), root, env);
            String api = "http://127.0.0.1:" + port;
            Http http = new Http(api);
            http.awaitReady(hukz);
            register(http);
            try (Connection db = DriverManager.getConnection(jdbc + "scale", "postgres", "")) {
                fill(db, rows);
            }
            say("timing each route: 1 warm-up, then the median of " + reps);
            List<String[]> table = new ArrayList<>();
            for (Map.Entry<String, String> route : routes(http).entrySet()) {
                long c0 = System.nanoTime();
                http.get(route.getValue());
                long cold = (System.nanoTime() - c0) / 1_000_000;
                long[] ms = new long[reps];
                String total = "";
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.get(route.getValue());
                    ms[i] = (System.nanoTime() - t0) / 1_000_000;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(route.getValue() + " answered " + r.statusCode() + ": " + r.body());
                    }
                    total = totalOf(r.body());
                }
                Arrays.sort(ms);
                table.add(new String[]{route.getKey(), total, String.valueOf(ms[reps / 2]), String.valueOf(ms[reps - 1]), String.valueOf(cold)});
                say(String.format("%-58s total %-9s median %4d ms, first %4d ms", route.getKey(), total, ms[reps / 2], cold));
            }
            System.out.println();
            System.out.printf("webhook_logs: %,d rows (%,d the caller's); deliveries: %,d rows; medians of %d%n%n", rows, rows * 4 / 5, rows, reps);
            System.out.println("| route | total | median ms | slowest ms | first call ms |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (String[] row : table) {
                System.out.printf("| `%s` | %s | %s | %s | %s |%n", row[0], row[1], row[2], row[3], row[4]);
            }
        } finally {
            if (hukz != null) {
                procs.stop(hukz, 30);
            }
            procs.stop(nats, 10);
            procs.stop(pg, 30);
        }
    }

    /** The console's list routes and filters, as it calls them. */
    static Map<String, String> routes(Http http) throws Exception {
        Instant now = Instant.now();
        String hourAgo = enc(now.minus(1, ChronoUnit.HOURS));
        String weekAgo = enc(now.minus(7, ChronoUnit.DAYS).plusSeconds(1234));
        String dayAgo = enc(now.minus(1, ChronoUnit.DAYS).plusSeconds(321));
        String messageId = http.firstMessageId("/deliveries?page=300&limit=100");
        Map<String, String> r = new LinkedHashMap<>();
        r.put("GET /webhooks/logs", "/webhooks/logs");
        r.put("GET /webhooks/logs?status=failed", "/webhooks/logs?status=failed");
        r.put("GET /webhooks/logs?status=success", "/webhooks/logs?status=success");
        r.put("GET /webhooks/logs?tag=team:a", "/webhooks/logs?tag=team:a");
        r.put("GET /webhooks/logs?event=scale.e3", "/webhooks/logs?event=scale.e3");
        r.put("GET /webhooks/logs?webhook_id=2", "/webhooks/logs?webhook_id=2");
        r.put("GET /webhooks/logs?since=(1 h ago)", "/webhooks/logs?since=" + hourAgo);
        r.put("GET /webhooks/logs?since=(7 d ago)&until=(1 d ago)", "/webhooks/logs?since=" + weekAgo + "&until=" + dayAgo);
        r.put("GET /webhooks/logs?status=failed&tag=team:b&since=(7 d ago)", "/webhooks/logs?status=failed&tag=team:b&since=" + weekAgo);
        r.put("GET /webhooks/logs?page=200&limit=100", "/webhooks/logs?page=200&limit=100");
        r.put("GET /webhooks/logs?status=failed&page=200&limit=100", "/webhooks/logs?status=failed&page=200&limit=100");
        r.put("GET /webhooks/logs?tag=team:a&page=200&limit=100", "/webhooks/logs?tag=team:a&page=200&limit=100");
        r.put("GET /deliveries", "/deliveries");
        r.put("GET /deliveries?status=failed", "/deliveries?status=failed");
        r.put("GET /deliveries?status=pending", "/deliveries?status=pending");
        r.put("GET /deliveries?status=delivered", "/deliveries?status=delivered");
        r.put("GET /deliveries?webhook_id=2", "/deliveries?webhook_id=2");
        r.put("GET /deliveries?event=scale.e3", "/deliveries?event=scale.e3");
        r.put("GET /deliveries?tag=team:a", "/deliveries?tag=team:a");
        r.put("GET /deliveries?message_id=(one)", "/deliveries?message_id=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8));
        r.put("GET /deliveries?page=200&limit=100", "/deliveries?page=200&limit=100");
        r.put("GET /deliveries?status=failed&page=200&limit=100", "/deliveries?status=failed&page=200&limit=100");
        r.put("GET /deliveries?event=scale.e3&page=200&limit=100", "/deliveries?event=scale.e3&page=200&limit=100");
        r.put("GET /stats (24 h, 1h buckets)", "/stats");
        r.put("GET /stats?bucket=1m (24 h, 1,440 buckets)", "/stats?bucket=1m");
        r.put("GET /stats?webhook_id=2", "/stats?webhook_id=2");
        return r;
    }

    /** 10 events and 25 webhooks through the API: webhooks 1-20 are user 1's, 21-25 user 2's; tags team a/b. */
    static void register(Http http) throws Exception {
        for (int i = 1; i <= 10; i++) {
            http.post("/events", "1", "{\"name\":\"e" + i + "\",\"event\":\"scale.e" + i + "\"}");
        }
        for (int i = 1; i <= 25; i++) {
            String user = i <= 20 ? "1" : "2";
            http.post("/webhooks", user, "{\"name\":\"w" + i + "\",\"url\":\"http://127.0.0.1:9/h" + i + "\",\"event_ids\":[" + (i % 10 + 1)
                    + "],\"tags\":{\"team\":\"" + (i % 2 == 0 ? "a" : "b") + "\"}}");
        }
    }

    /**
     * A month of traffic: {@code rows} deliveries over 30 days (2% failed, the last 100 pending) and one attempt
     * each (20% of them answered 500; durations 0-299 ms), in chunks so each statement's trigger sees a batch.
     */
    static void fill(Connection db, int rows) throws Exception {
        long t0 = System.nanoTime();
        try (Statement st = db.createStatement()) {
            for (int from = 1; from <= rows; from += CHUNK) {
                int to = Math.min(rows, from + CHUNK - 1);
                st.execute("INSERT INTO deliveries (created_at, updated_at, webhook_id, message_id, event, payload, status, attempts, "
                        + "next_attempt_at, last_status_code) SELECT t, t, w, 'msg_' || md5(i::text), 'scale.e' || (w % 10 + 1), "
                        + "'{\"id\":\"msg_' || md5(i::text) || '\",\"payload\":{\"n\":' || i || ',\"pad\":\"" + "x".repeat(120) + "\"}}', "
                        + "CASE WHEN i > " + (rows - 100) + " THEN 'pending' WHEN i % 50 = 0 THEN 'failed' ELSE 'delivered' END, 1, "
                        + "CASE WHEN i > " + (rows - 100) + " THEN now() + interval '1 day' END, CASE WHEN i % 5 = 0 THEN 500 ELSE 200 END "
                        + "FROM (SELECT i, now() - interval '30 days' + i * (interval '30 days' / " + rows + ") AS t, i % 25 + 1 AS w "
                        + "FROM generate_series(" + from + ", " + to + ") i) s");
                st.execute("INSERT INTO webhook_logs (created_at, created_by_id, event, url, response_status_code, data, response_body, tags, "
                        + "webhook_id, delivery_id, message_id, attempt, duration_ms, error) SELECT d.created_at, w.created_by_id, d.event, w.url, "
                        + "d.last_status_code, d.payload::json, '{\"ok\":true}'::json, w.tags, d.webhook_id, d.id, d.message_id, 1, "
                        + "(d.id % 300)::int, CASE WHEN d.last_status_code <> 200 THEN 'HTTP 500' END FROM deliveries d "
                        + "JOIN webhooks w ON w.id = d.webhook_id WHERE d.id BETWEEN " + from + " AND " + to);
                say(String.format("filled %,d of %,d rows", to, rows));
            }
            st.execute("VACUUM ANALYZE");
        }
        say(String.format("filled and vacuumed in %.0f s", (System.nanoTime() - t0) / 1e9));
    }

    static String totalOf(String json) {
        int i = json.indexOf("\"total\":");
        if (i < 0) {
            return "—";
        }
        int end = i + 8;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return String.format("%,d", Long.parseLong(json.substring(i + 8, end)));
    }

    static String enc(Instant t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void say(String text) {
        System.out.println("[" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " scale] " + text);
    }

    /** The API as user 1 calls it. */
    static final class Http {
        private final String base;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        Http(String base) {
            this.base = base;
        }

        HttpResponse<String> get(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).header("X-User", "1").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        void post(String path, String user, String json) throws Exception {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .header("X-User", user).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
            }
        }

        String firstMessageId(String path) throws Exception {
            String body = get(path).body();
            int i = body.indexOf("\"message_id\":\"");
            return body.substring(i + 14, body.indexOf('"', i + 14));
        }

        void awaitReady(Process p) throws Exception {
            for (int i = 0; i < 1800 && p.isAlive(); i++) {
                try {
                    if (client.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                Procs.sleep(100);
            }
            throw new IllegalStateException("hukz did not become ready");
        }
    }
}
