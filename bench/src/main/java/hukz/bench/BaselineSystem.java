package hukz.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The hand-written pipeline (hukz.bench.baseline.Pipeline) in its own JVM, on its own database and schema. */
final class BaselineSystem implements SystemUnderTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public String logTable() {
        return "webhook_logs";
    }

    @Override
    public Running start(Env env, String database, String subject, List<Hook> hooks, Scenario scenario) throws Exception {
        int port = Procs.freePort();
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port),
                "--jdbc", env.jdbcUrl(database) + "?reWriteBatchedInserts=true", "--db-user", "postgres",
                "--nats", env.natsUrl, "--queue-group", "bench-baseline", "--retry", scenario.retrySchedule(),
                "--inflight", String.valueOf(env.options.inflight())));
        StringBuilder hookLines = new StringBuilder();
        for (Hook h : hooks) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
            env.post(env.receiverBase + "/_bench/secret?path=" + URLEncoder.encode(h.path(), StandardCharsets.UTF_8), secret);
            hookLines.append(subject).append('|').append(h.url()).append('|').append(secret).append('\n');
        }
        // a file, not arguments: s5 has a thousand webhooks
        java.nio.file.Path hooksFile = env.outDir.resolve(database + ".hooks");
        java.nio.file.Files.writeString(hooksFile, hookLines);
        args.add("--hooks");
        args.add(hooksFile.toString());
        long t0 = System.nanoTime();
        List<String> jvmOpts = new ArrayList<>(env.options.jvmOpts());
        if (env.options.jfr()) {
            jvmOpts.add("-XX:StartFlightRecording=filename=" + env.outDir.resolve(database + ".jfr") + ",settings=profile,dumponexit=true");
        }
        Process p = env.procs.startHelper(database, env.benchJava("hukz.bench.baseline.Pipeline", jvmOpts,
                args.toArray(String[]::new)), env.options.root(), Map.of());
        if (!env.awaitReady(p, "http://127.0.0.1:" + port + "/health/ready", 180_000)) {
            env.procs.stop(p, 5);
            throw new IllegalStateException("baseline did not become ready; see " + env.procs.log(database));
        }
        double readySec = (System.nanoTime() - t0) / 1e9;
        java.nio.file.Files.deleteIfExists(hooksFile); // it holds the secrets; read at start
        return new Running(p, database, port, readySec);
    }
}
