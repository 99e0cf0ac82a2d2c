package hukz.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.nats.client.Connection;
import io.nats.client.Nats;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The noisy-neighbour scenario (issue 8): one healthy webhook at 100 messages/s, measured alone and then beside
 * ten webhooks whose receivers accept connections and never answer, with 1,000 deliveries to them waiting
 * (delivery_timeout 10s, every other setting hukz's default). Prints the healthy webhook's p50/p99
 * publish-to-receipt latency in both phases. Run: {@code java -cp bench/target/hukz-bench.jar
 * hukz.bench.NoisyNeighbour [project root]} after {@code mvn -q -B package -DskipTests} at the root and
 * {@code mvn -q -B -f bench/pom.xml package}. PostgreSQL, nats-server and hukz are separate processes, as in
 * {@link Bench}; the receivers run in this process.
 */
public final class NoisyNeighbour {
    private static final int DEAD = 10;
    private static final int DEAD_MESSAGES = 100;
    private static final int HEALTHY_MESSAGES = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path benchJar = root.resolve("bench/target/hukz-bench.jar");
        Path outDir = root.resolve("bench/results/noisy-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(outDir);
        Procs procs = new Procs(outDir);
        int pgPort = Procs.freePort();
        Process pg = procs.startHelper("postgres", List.of(Env.javaBin(), "-cp", benchJar.toString(), PgMain.class.getName(),
                "--port", String.valueOf(pgPort), "--synchronous-commit", "on"), root, Map.of());
        int natsPort = Procs.freePort();
        Process nats = procs.start("nats-server", List.of(Bench.NATS_SERVER, "-a", "127.0.0.1", "-p", String.valueOf(natsPort)), root, Map.of());
        procs.awaitLine(pg, "postgres", "pg-ready", 120_000);
        String natsUrl = "nats://127.0.0.1:" + natsPort;
        Process hukz = null;
        List<ServerSocket> dead = new ArrayList<>();
        List<Long> latencies = new CopyOnWriteArrayList<>();
        HttpServer healthy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        healthy.setExecutor(Executors.newFixedThreadPool(16));
        healthy.createContext("/", x -> {
            long now = System.currentTimeMillis();
            byte[] body = x.getRequestBody().readAllBytes();
            latencies.add(now - JSON.readTree(body).get("payload").get("sent").asLong());
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        healthy.start();
        try (Connection nc = connect(natsUrl)) {
            createDatabase(pgPort);
            int port = Procs.freePort();
            hukz = procs.start("hukz", List.of(Env.javaBin(), "-jar", root.resolve("target/hukz.jar").toString()), root, Map.of(
                    "HUKZ_DATABASE_HOST", "127.0.0.1", "HUKZ_DATABASE_PORT", String.valueOf(pgPort), "HUKZ_DATABASE_USER", "postgres",
                    "HUKZ_DATABASE_NAME", "noisy", "HUKZ_NATS_URL", natsUrl, "HUKZ_SERVER_PORT", String.valueOf(port),
                    "HUKZ_ALLOW_PRIVATE_URLS", "true", "HUKZ_DELIVERY_TIMEOUT", "10s", "HUKZ_QUEUE_GROUP", "bench-noisy"));
            Env env = new Env(null, procs, outDir, null, pgPort, natsUrl, null);
            if (!env.awaitReady(hukz, "http://127.0.0.1:" + port + "/health/ready", 180_000)) {
                throw new IllegalStateException("hukz did not become ready; see " + procs.log("hukz"));
            }
            String api = "http://127.0.0.1:" + port;
            webhook(env, api, event(env, api, "noisy.healthy"), "http://127.0.0.1:" + healthy.getAddress().getPort() + "/h");
            long deadEvent = event(env, api, "noisy.dead");
            for (int i = 0; i < DEAD; i++) {
                ServerSocket s = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
                dead.add(s);
                holdForever(s);
                webhook(env, api, deadEvent, "http://127.0.0.1:" + s.getLocalPort() + "/h");
            }
            Procs.sleep(1500); // hukz reloads its routing table after API changes within a second

            publishPaced(nc, HEALTHY_MESSAGES); // warm-up
            awaitCount(latencies, HEALTHY_MESSAGES);
            latencies.clear();
            publishPaced(nc, HEALTHY_MESSAGES);
            awaitCount(latencies, HEALTHY_MESSAGES);
            List<Long> alone = new ArrayList<>(latencies);
            latencies.clear();

            for (int i = 0; i < DEAD_MESSAGES; i++) {
                nc.publish("noisy.dead", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            nc.flush(java.time.Duration.ofSeconds(5));
            Procs.sleep(1000); // the dead receivers' attempts are out and waiting
            publishPaced(nc, HEALTHY_MESSAGES);
            awaitCount(latencies, HEALTHY_MESSAGES);
            List<Long> beside = new ArrayList<>(latencies);

            System.out.println("noisy neighbour: healthy webhook at 100 msg/s, publish -> receipt (ms)");
            System.out.printf("  alone:                                         p50 %5d  p99 %5d%n", pct(alone, 50), pct(alone, 99));
            System.out.printf("  beside 10 silent receivers, 1,000 deliveries:  p50 %5d  p99 %5d%n", pct(beside, 50), pct(beside, 99));
        } finally {
            healthy.stop(0);
            for (ServerSocket s : dead) {
                s.close();
            }
            if (hukz != null) {
                procs.stop(hukz, 30);
            }
            procs.stop(nats, 10);
            procs.stop(pg, 30);
        }
    }

    private static Connection connect(String url) throws Exception {
        return Nats.connect(url);
    }

    private static void createDatabase(int pgPort) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "");
             var st = c.createStatement()) {
            st.execute("CREATE DATABASE noisy");
        }
    }

    private static long event(Env env, String api, String subject) throws Exception {
        var r = env.post(api + "/events", "{\"name\":\"" + subject + "\",\"event\":\"" + subject + "\"}",
                "X-User", "1", "Content-Type", "application/json");
        if (r.statusCode() != 201) {
            throw new IllegalStateException("event: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asLong();
    }

    private static void webhook(Env env, String api, long event, String url) throws Exception {
        var r = env.post(api + "/webhooks", "{\"url\":\"" + url + "\",\"event_ids\":[" + event + "]}",
                "X-User", "1", "Content-Type", "application/json");
        if (r.statusCode() != 201) {
            throw new IllegalStateException("webhook: " + r.statusCode() + " " + r.body());
        }
    }

    /** Accepts every connection and never answers. */
    private static void holdForever(ServerSocket server) {
        List<Socket> held = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void publishPaced(Connection nc, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            LockSupport.parkNanos(Math.max(0, start + TimeUnit.MILLISECONDS.toNanos(10L * i) - System.nanoTime()));
            nc.publish("noisy.healthy", ("{\"n\":" + i + ",\"sent\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void awaitCount(List<Long> list, int n) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (list.size() < n && System.currentTimeMillis() < deadline) {
            Procs.sleep(50);
        }
        if (list.size() < n) {
            throw new IllegalStateException("only " + list.size() + " of " + n + " healthy deliveries arrived within 2 minutes");
        }
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
