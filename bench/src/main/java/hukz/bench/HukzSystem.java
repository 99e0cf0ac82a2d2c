package hukz.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** hukz from target/hukz.jar, run from the project root on the bench's PostgreSQL and nats-server. */
final class HukzSystem implements SystemUnderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "hukz";
    }

    @Override
    public String logTable() {
        return "webhook_logs";
    }

    @Override
    public Running start(Env env, String database, String subject, List<Hook> hooks, Scenario scenario) throws Exception {
        int port = Procs.freePort();
        String label = database;
        List<String> cmd = new ArrayList<>();
        cmd.add(Env.javaBin());
        cmd.addAll(env.options.jvmOpts());
        if (env.options.jfr()) {
            cmd.add("-XX:StartFlightRecording=filename=" + env.outDir.resolve(label + ".jfr") + ",settings=profile,dumponexit=true");
        }
        // the class data sharing archive run.sh starts hukz with (scripts/cds-archive.sh; bench/run.sh records it)
        Path archive = env.options.root().resolve("target/hukz.jsa");
        if (Files.isRegularFile(archive)) {
            cmd.add("-XX:SharedArchiveFile=" + archive);
        }
        cmd.add("-jar");
        cmd.add(env.options.root().resolve("target/hukz.jar").toString());
        Map<String, String> e = new HashMap<>();
        e.put("HUKZ_DATABASE_HOST", "127.0.0.1");
        e.put("HUKZ_DATABASE_PORT", String.valueOf(env.pgPort));
        e.put("HUKZ_DATABASE_USER", "postgres");
        e.put("HUKZ_DATABASE_PASSWORD", "");
        e.put("HUKZ_DATABASE_NAME", database);
        e.put("HUKZ_DATABASE_SSL_MODE", "disable");
        e.put("HUKZ_NATS_URL", env.natsUrl);
        e.put("HUKZ_SERVER_PORT", String.valueOf(port));
        e.put("HUKZ_ALLOW_PRIVATE_URLS", "true");
        e.put("HUKZ_RETRY_SCHEDULE", scenario.retrySchedule());
        e.put("HUKZ_QUEUE_GROUP", "bench-hukz");
        // the same attempts in flight to one receiver as the baseline keeps (it has one limit, for all receivers)
        e.put("HUKZ_MAX_IN_FLIGHT", String.valueOf(env.options.inflight()));
        long t0 = System.nanoTime();
        Process p = env.procs.start(label, cmd, env.options.root(), e);
        if (!env.awaitReady(p, "http://127.0.0.1:" + port + "/health/ready", 180_000)) {
            env.procs.stop(p, 5);
            throw new IllegalStateException("hukz did not become ready; see " + env.procs.log(label));
        }
        double readySec = (System.nanoTime() - t0) / 1e9;
        try {
            register(env, "http://127.0.0.1:" + port, subject, hooks);
        } catch (Exception | Error failed) {
            // a hukz left running would stay in the queue group and take half of every later run's messages
            env.procs.stop(p, 30);
            throw failed;
        }
        return new Running(p, database, port, readySec);
    }

    /** Through hukz's API, as a user would: one event, one webhook per hook; each secret goes to the receiver. */
    private static void register(Env env, String api, String subject, List<Hook> hooks) throws Exception {
        ObjectNode event = JSON.createObjectNode().put("name", "bench").put("event", subject);
        long eventId = created(env.post(api + "/events", JSON.writeValueAsString(event), "X-User", "1", "Content-Type", "application/json"))
                .get("id").asLong();
        for (Hook h : hooks) {
            ObjectNode webhook = JSON.createObjectNode().put("name", "bench " + h.path()).put("url", h.url());
            webhook.putArray("event_ids").add(eventId);
            long id = created(env.post(api + "/webhooks", JSON.writeValueAsString(webhook), "X-User", "1",
                    "Content-Type", "application/json")).get("id").asLong();
            HttpResponse<String> secret = env.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/webhooks/" + id + "/secret"))
                    .header("X-User", "1").GET().build(), HttpResponse.BodyHandlers.ofString());
            String key = JSON.readTree(secret.body()).path("key").asText();
            env.post(env.receiverBase + "/_bench/secret?path=" + URLEncoder.encode(h.path(), StandardCharsets.UTF_8), key);
        }
    }

    private static JsonNode created(HttpResponse<String> r) throws Exception {
        if (r.statusCode() != 201) {
            throw new IllegalStateException("hukz API answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
