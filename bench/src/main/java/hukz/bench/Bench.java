package hukz.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options.Builder;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark harness. Starts PostgreSQL (zonky, own JVM), nats-server and the receiver (own JVM) once, warms the
 * receiver up ({@link ReceiverWarmUp}); then
 * for every repetition and scenario runs each system in turn (the order alternates between repetitions):
 * fresh database, fresh process, webhooks registered, warm-up, the measured load, figures, stop.
 */
public final class Bench {
    static final String NATS_SERVER = "/usr/sbin/nats-server";
    private static final String PAD = "x".repeat(160);

    /** One message's payload: {@code {"bench_seq":N,"bench_ts":<epoch µs at publish>,"pad":"<160 x>"}}. */
    static String payload(long seq, long publishedMicros) {
        return "{\"bench_seq\":" + seq + ",\"bench_ts\":" + publishedMicros + ",\"pad\":\"" + PAD + "\"}";
    }

    private final Env env;
    private final Connection publisher;

    private Bench(Env env, Connection publisher) {
        this.env = env;
        this.publisher = publisher;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.HelpRequested e) {
            System.out.print(Options.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.systems().contains("hukz") && !Files.exists(options.root().resolve("target/hukz.jar"))) {
            System.err.println("bench: " + options.root().resolve("target/hukz.jar") + " is missing (mvn -q -B package -DskipTests)");
            System.exit(2);
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path outDir = options.resultsDir().resolve(stamp);
        Files.createDirectories(outDir);
        Procs procs = new Procs(outDir);
        System.out.println("bench: results and process logs in " + outDir);

        int pgPort = Procs.freePort();
        Process pg = procs.startHelper("postgres", List.of(Env.javaBin(), "-cp", options.benchJar().toString(), PgMain.class.getName(),
                "--port", String.valueOf(pgPort), "--synchronous-commit", options.pgSynchronousCommit()), options.root(), java.util.Map.of());
        int natsPort = Procs.freePort();
        Process nats = procs.start("nats-server", List.of(NATS_SERVER, "-a", "127.0.0.1", "-p", String.valueOf(natsPort)),
                options.root(), java.util.Map.of());
        int receiverPort = Procs.freePort();
        List<String> receiverCommand = new ArrayList<>(List.of(Env.javaBin()));
        receiverCommand.addAll(options.receiverJvmOpts());
        receiverCommand.addAll(List.of("-cp", options.benchJar().toString(), ReceiverMain.class.getName(),
                "--port", String.valueOf(receiverPort)));
        Process receiver = procs.startHelper("receiver", receiverCommand, options.root(), java.util.Map.of());
        String[] pgReady = procs.awaitLine(pg, "postgres", "pg-ready", 120_000).trim().split(" ");
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(pgReady[2])).orElseThrow();
        procs.awaitLine(receiver, "receiver", "receiver-ready", 60_000);
        awaitPort(nats, natsPort);
        String natsUrl = "nats://127.0.0.1:" + natsPort;
        Env env = new Env(options, procs, outDir, postmaster, receiver.toHandle(), pgPort, natsUrl, "http://127.0.0.1:" + receiverPort);

        List<Figures> figures = new ArrayList<>();
        try (Connection nc = Nats.connect(new Builder().server(natsUrl).connectionName("bench-publisher")
                .maxMessagesInOutgoingQueue(1_000_000).build())) {
            Bench bench = new Bench(env, nc);
            int warmUpRequests = options.quick() ? 5_000 : 30_000;
            long warmUpStart = System.nanoTime();
            int warmUpFailed = ReceiverWarmUp.run(env.receiverBase, warmUpRequests, options.inflight());
            bench.resetReceiver(0);
            log("receiver", String.format("warmed up: %d requests in %.1f s%s", warmUpRequests,
                    (System.nanoTime() - warmUpStart) / 1e9, warmUpFailed == 0 ? "" : ", " + warmUpFailed + " not answered 200"));
            List<SystemUnderTest> systems = new ArrayList<>();
            for (String s : options.systems()) {
                systems.add(s.equals("hukz") ? new HukzSystem() : new BaselineSystem());
            }
            for (int rep = 1; rep <= options.reps(); rep++) {
                for (Scenario scenario : Scenario.all(options.quick())) {
                    if (!options.scenarios().contains(scenario.name())) {
                        continue;
                    }
                    List<SystemUnderTest> order = new ArrayList<>(systems);
                    if (rep % 2 == 0) {
                        java.util.Collections.reverse(order);
                    }
                    for (SystemUnderTest system : order) {
                        try {
                            figures.add(bench.run(system, scenario, rep));
                        } catch (Exception e) {
                            // one broken run must not cost the others: it shows as a note in the table
                            log(system.name() + "_" + scenario.name() + "_r" + rep, "FAILED: " + e.getMessage());
                            figures.add(Figures.failed(system.name(), scenario, rep, String.valueOf(e.getMessage())));
                        }
                    }
                }
            }
        } finally {
            procs.stop(receiver, 10);
            procs.stop(nats, 10);
            procs.stop(pg, 30);
        }
        Report report = new Report(options, figures, gitCommit(options.root()));
        System.out.println();
        System.out.print(report.table());
        Path json = options.resultsDir().resolve(stamp + ".json");
        Files.writeString(json, report.json());
        System.out.println("bench: wrote " + json);
    }

    /** One system on one scenario: a fresh database and process, warm-up, the measured load, figures. */
    private Figures run(SystemUnderTest system, Scenario scenario, int rep) throws Exception {
        String label = system.name() + "_" + scenario.name() + "_r" + rep;
        String subject = "bench." + scenario.name() + ".r" + rep + "." + system.name();
        List<SystemUnderTest.Hook> hooks = new ArrayList<>();
        for (int i = 1; i <= scenario.webhooks(); i++) {
            String path = "/h/" + system.name() + "/" + scenario.name() + "/r" + rep + "/" + i;
            hooks.add(new SystemUnderTest.Hook(path, env.receiverBase + path));
        }
        for (int i = 1; i <= scenario.hangingWebhooks(); i++) {
            String path = ReceiverMain.HANG_PREFIX + system.name() + "/" + scenario.name() + "/r" + rep + "/" + i;
            hooks.add(new SystemUnderTest.Hook(path, env.receiverBase + path));
        }
        env.createDatabase(label);
        log(label, "starting (" + scenario.messages() + " messages x " + scenario.webhooks() + " webhooks"
                + (scenario.ratePerSecond() > 0 ? " at " + scenario.ratePerSecond() + "/s" : "")
                + (scenario.failPercent() > 0 ? ", " + scenario.failPercent() + "% answered 500" : "") + ")");
        SystemUnderTest.Running running = system.start(env, label, subject, hooks, scenario);
        log(label, String.format("ready in %.2f s", running.readySec()));
        try (java.sql.Connection db = env.observe(label); java.sql.Connection admin = env.connect("postgres")) {
            long logOffset = 0;
            // no warm-up beside never-answering webhooks: it would fill every system's queues with hanging deliveries before
            // the load starts (s6, the same load alone, is warmed up)
            int warmMessages = env.options.warmupDeliveries() == 0 || scenario.hangingWebhooks() > 0 ? 0
                    : Math.max(1, env.options.warmupDeliveries() / scenario.webhooks());
            if (warmMessages > 0) {
                resetReceiver(0);
                // A paced scenario warms up at its own rate: a burst only warms what runs per delivery, and the code that
                // runs once per batch (a batch of one message at a steady rate) was still being compiled in the first
                // 300 ms of s3's load (hukz: 19-96 deliveries over 10 ms there in two runs, 0-4 after a paced warm-up).
                publish(subject, warmMessages, scenario.ratePerSecond());
                Settled w = awaitSettled(running, db, system.logTable(), warmMessages * scenario.webhooks(), 0, scenario);
                logOffset = w.logRows();
                log(label, "warm-up: " + w.delivered() + "/" + warmMessages * scenario.webhooks() + " delivered" + (w.settled() ? "" : " (did not settle)"));
            }
            resetReceiver(scenario.failPercent());
            long deliveriesBefore = countRows(db, "SELECT count(*) FROM deliveries");
            // both systems start the load with no dirty pages pending, so no checkpoint's full-page writes fall into one run only
            try (Statement st = admin.createStatement()) {
                st.execute("CHECKPOINT");
            }
            PgWork pg0 = PgWork.tryRead(admin, label);
            long cpu0 = Procs.cpuMillis(running.process().pid());
            long pgCpu0 = Procs.treeCpuMillis(env.postgres);
            long receiverCpu0 = Procs.cpuMillis(env.receiver.pid());
            KernelThreadWatch kdamond = KernelThreadWatch.start();
            long firstPublish;
            Settled s;
            try {
                firstPublish = publish(subject, scenario.messages(), scenario.ratePerSecond());
                s = awaitSettled(running, db, system.logTable(), scenario.deliveries(), logOffset, scenario);
            } finally {
                kdamond.close();
            }
            long cpu = Procs.cpuMillis(running.process().pid()) - cpu0;
            long pgCpu = Procs.treeCpuMillis(env.postgres) - pgCpu0;
            long receiverCpu = Procs.cpuMillis(env.receiver.pid()) - receiverCpu0;
            PgWork pg = PgWork.tryRead(admin, label).minus(pg0);
            log(label, "statements of the whole run (warm-up included), most WAL first:\n" + PgWork.statementTable(admin, label, 8));
            long rssKib = Procs.peakRssKib(running.process().pid());
            long lastStored = lastStoredMicros(db, deliveriesBefore, scenario.deliveries());
            double storedSec = lastStored < 0 ? Double.NaN : (lastStored - firstPublish) / 1e6;
            Figures f = figures(system, scenario, rep, running, firstPublish, s, rssKib, storedSec, cpu, pgCpu, receiverCpu, pg,
                    kdamond);
            log(label, String.format("%.0f deliveries/s, stored at %.2f s, logs committed at %.2f s, p50/p95/p99 %.1f/%.1f/%.1f ms, "
                            + "lost %d, duplicates %d, CPU %.3f ms/delivery (%.0f%%), receiver %.3f ms/delivery, "
                            + "PG per delivery: %.0f WAL bytes, %.4f write tx, %.3f statements, %.2f rows%s%s",
                    f.deliveriesPerSec(), f.storedSec(), f.logsCommittedSec(), f.p50Ms(), f.p95Ms(), f.p99Ms(), f.lost(), f.duplicates(),
                    f.cpuMsPerDelivery(), f.cpuPercent(), f.receiverCpuMsPerDelivery(), f.pgWalBytesPerDelivery(), f.pgWriteTxPerDelivery(),
                    f.pgStatementsPerDelivery(), f.pgRowsWrittenPerDelivery(), scenario.ratePerSecond() > 0 ? f.stalls().summary() : "",
                    f.settled() ? "" : " (" + f.note() + ")"));
            return f;
        } finally {
            env.procs.stop(running.process(), 30);
            env.dropDatabase(label);
        }
    }

    /** Publishes {@code n} messages (each carrying its sequence number and publish time); returns the first publish time. */
    private long publish(String subject, int n, int ratePerSecond) throws Exception {
        long first = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (ratePerSecond > 0) {
                long due = start + (long) i * 1_000_000_000L / ratePerSecond;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, 200_000));
                }
            }
            long ts = Child.micros();
            if (i == 0) {
                first = ts;
            }
            publisher.publish(subject, payload(i, ts).getBytes(StandardCharsets.UTF_8));
        }
        publisher.flush(Duration.ofSeconds(60));
        return first;
    }

    /** Where a run ended: receiver counts, log rows (past the warm-up's), pending deliveries, and when all was in. */
    record Settled(long delivered, long requests, long logRows, long pending, long doneMicros, boolean settled, String note) {
    }

    /**
     * Waits until the receiver has every delivery, no delivery is pending and there is a log row for every
     * request the receiver saw; gives up after the timeout or when nothing moved for the stall time.
     */
    private Settled awaitSettled(SystemUnderTest.Running running, java.sql.Connection db, String logTable, long expected,
                                 long logOffset, Scenario scenario) throws Exception {
        // with never-answering webhooks nothing ever settles but the healthy deliveries: those are all that is awaited,
        // for as long as the load lasts plus a minute (a system without isolation may starve them for much longer)
        boolean noisy = scenario.hangingWebhooks() > 0;
        long noisyLimit = scenario.ratePerSecond() > 0 ? 60_000L + scenario.messages() * 1000L / scenario.ratePerSecond() : 60_000L;
        long limitMillis = noisy ? Math.min(noisyLimit, env.options.timeoutSec() * 1000L) : env.options.timeoutSec() * 1000L;
        long deadline = System.currentTimeMillis() + limitMillis;
        long lastMove = System.currentTimeMillis();
        String lastSeen = "";
        while (true) {
            String[] count = env.get(env.receiverBase + "/_bench/count").body().trim().split(" ");
            long delivered = Long.parseLong(count[0]);
            long requests = Long.parseLong(count[1]);
            long logs = countRows(db, "SELECT count(*) FROM " + logTable) - logOffset;
            long pending = countRows(db, "SELECT count(*) FROM deliveries WHERE status = 'pending'");
            if (delivered >= expected && (noisy || pending == 0 && logs >= requests)) {
                return new Settled(delivered, requests, logs, pending, Child.micros(), true, "");
            }
            String seen = delivered + "/" + requests + "/" + logs + "/" + pending;
            long now = System.currentTimeMillis();
            if (!seen.equals(lastSeen)) {
                lastSeen = seen;
                lastMove = now;
            }
            String why = !running.process().isAlive() ? "process exited"
                    : !noisy && now - lastMove > env.options.stallSec() * 1000L ? "stalled for " + env.options.stallSec() + " s"
                    : now > deadline ? "timed out after " + limitMillis / 1000 + " s" : null;
            if (why != null) {
                return new Settled(delivered, requests, logs, pending, Child.micros(), false,
                        why + " at delivered " + delivered + "/" + expected + ", log rows " + logs + ", pending " + pending);
            }
            Procs.sleep(50);
        }
    }

    private Figures figures(SystemUnderTest system, Scenario scenario, int rep, SystemUnderTest.Running running, long firstPublish,
                            Settled s, long rssKib, double storedSec, long cpuMillis, long pgCpuMillis, long receiverCpuMillis,
                            PgWork pg, KernelThreadWatch kdamond) throws Exception {
        String stats = env.get(env.receiverBase + "/_bench/stats").body();
        if (env.options.receipts()) {
            // the counters, then one line per delivery: "published received path" (ReceiverMain)
            Files.writeString(env.outDir.resolve(system.name() + "_" + scenario.name() + "_r" + rep + ".receipts"), stats);
        }
        String[] lines = stats.split("\n");
        java.util.Map<String, Long> counters = new java.util.HashMap<>();
        for (String kv : lines[0].trim().split(" ")) {
            String[] p = kv.split("=");
            counters.put(p[0], Long.parseLong(p[1]));
        }
        long[] latencies = new long[lines.length - 1];
        long[] publishedAt = new long[lines.length - 1];
        long[] receivedAt = new long[lines.length - 1];
        long lastReceipt = firstPublish;
        for (int i = 1; i < lines.length; i++) {
            String[] p = lines[i].split(" ");
            publishedAt[i - 1] = Long.parseLong(p[0]);
            receivedAt[i - 1] = Long.parseLong(p[1]);
            latencies[i - 1] = receivedAt[i - 1] - publishedAt[i - 1];
            lastReceipt = Math.max(lastReceipt, receivedAt[i - 1]);
        }
        MachineStalls stalls = MachineStalls.of(publishedAt, receivedAt, kdamond);
        Arrays.sort(latencies);
        long delivered = counters.get("delivered");
        double span = (lastReceipt - firstPublish) / 1e6;
        return new Figures(system.name(), scenario.name(), rep, scenario.deliveries(), delivered,
                span > 0 ? delivered / span : 0, storedSec, s.settled() ? (s.doneMicros() - firstPublish) / 1e6 : Double.NaN,
                percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                Math.max(0, scenario.deliveries() - delivered), counters.get("duplicates"), counters.get("seq_duplicates"),
                rssKib / 1024.0, running.readySec(), delivered == 0 ? Double.NaN : (double) cpuMillis / delivered,
                delivered == 0 ? Double.NaN : (double) pgCpuMillis / delivered, counters.get("requests"), counters.get("failed_answers"), s.logRows(),
                counters.get("verified"), counters.get("bad_signatures"), s.settled(), s.note(),
                100.0 * cpuMillis / Math.max(1, (s.doneMicros() - firstPublish) / 1000.0),
                perDelivery(receiverCpuMillis, delivered), pg, perDelivery(pg.walBytes(), delivered), perDelivery(pg.writeTransactions(), delivered),
                perDelivery(pg.statements(), delivered), perDelivery(pg.rowsWritten(), delivered), counters.getOrDefault("hung", 0L),
                stalls);
    }

    private static double perDelivery(long amount, long delivered) {
        return delivered == 0 || amount < 0 ? Double.NaN : (double) amount / delivered;
    }

    /** Nearest-rank percentile of sorted microsecond values, in milliseconds. */
    static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
    }

    private void resetReceiver(int failPercent) throws Exception {
        env.post(env.receiverBase + "/_bench/reset?fail=" + failPercent, "");
    }

    /**
     * When the last delivery row of the measured load was stored (its created_at), in epoch micros; -1 when not
     * all of them are there. Both schemas have deliveries.created_at, set by PostgreSQL at insert.
     */
    private static long lastStoredMicros(java.sql.Connection db, long before, long expected) {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*), (extract(epoch FROM max(created_at)) * 1000000)::bigint FROM (SELECT created_at FROM deliveries "
                        + "ORDER BY id OFFSET " + before + ") d")) {
            rs.next();
            return rs.getLong(1) >= expected ? rs.getLong(2) : -1;
        } catch (SQLException e) {
            return -1;
        }
    }

    private static long countRows(java.sql.Connection db, String sql) {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1; // never taken for "nothing pending"
        }
    }

    private static void awaitPort(Process p, int port) {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("nats-server exited with " + p.exitValue());
                }
                Procs.sleep(50);
            }
        }
        throw new IllegalStateException("nats-server not listening on " + port);
    }

    private static String gitCommit(Path root) {
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static void log(String label, String text) {
        System.out.println("[" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + label + "] " + text);
    }
}
