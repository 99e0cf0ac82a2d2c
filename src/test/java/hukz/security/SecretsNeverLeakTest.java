package hukz.security;

import hukz.support.Api;
import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Scratch;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs hukz with known secrets (api token, database and NATS passwords, webhook keys), uses every kind of
 * route, failing deliveries and bad input, then searches the whole log output and every API response.
 */
class SecretsNeverLeakTest {
    private static final String API_TOKEN = "tok-Sekr3t-8c1f2a";
    private static final String DB_PASSWORD = "dbpw-Sekr3t-77aa";
    private static final String NATS_PASSWORD = "natspw-Sekr3t-19bd";
    private static final String WEBHOOK_SECRET = "whsec_" + Base64.getEncoder().encodeToString("webhook-key-Sekr3t-0123456789ab".getBytes());

    @Test
    void noSecretAppearsInLogsOrResponses() throws Exception {
        try (TestNats nats = TestNats.start("--user", "hukz", "--pass", NATS_PASSWORD);
             Receiver receiver = new Receiver()) {
            receiver.always(r -> Receiver.Answer.status(500));
            Map<String, String> config = new HashMap<>(TestHukz.baseConfig(TestPostgres.newDatabase()));
            config.put("nats_url", nats.url());
            config.put("nats_user_name", "hukz");
            config.put("nats_user_password", NATS_PASSWORD);
            config.put("database_password", DB_PASSWORD);
            config.put("api_token", API_TOKEN);
            config.put("retry_schedule", "100ms");
            // the receiver always fails: without this the circuit opens after 5 attempts and holds the rest 30 s
            config.put("circuit_failures", "1000");
            List<String> responses = new ArrayList<>();
            List<String> secrets = new ArrayList<>(List.of(API_TOKEN, DB_PASSWORD, NATS_PASSWORD, WEBHOOK_SECRET,
                    WEBHOOK_SECRET.substring(6)));
            String output;
            try (HukzProcess hukz = HukzProcess.start(config)) {
                Authorized api = new Authorized(hukz.api, responses);
                long event = api.call("POST", "/events", "{\"name\":\"leak\",\"event\":\"leak.test\"}").id();
                long webhook = api.call("POST", "/webhooks", "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event
                        + "],\"secret\":\"" + WEBHOOK_SECRET + "\"}").id();
                long other = api.call("POST", "/webhooks", "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "]}").id();
                secrets.add(api.secretOf(other));
                api.call("GET", "/webhooks", null);
                api.call("GET", "/webhooks/" + webhook, null);
                api.call("PUT", "/webhooks/" + webhook, "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "]}");
                api.call("PUT", "/webhooks/" + webhook, "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event
                        + "],\"secret\":\"" + WEBHOOK_SECRET + "x\"}");
                api.call("POST", "/webhooks", "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event
                        + "],\"secret\":\"whsec_" + NATS_PASSWORD + "\"}");
                api.call("POST", "/webhooks/" + webhook + "/test", null);
                try (NatsPublisher publisher = new NatsPublisher("nats://hukz:" + NATS_PASSWORD + "@" + nats.url().substring(7))) {
                    for (int i = 0; i < 3; i++) {
                        publisher.publish("leak.test", "{\"n\":" + i + "}");
                    }
                }
                await().atMost(Duration.ofSeconds(15)).until(() ->
                        api.quiet("GET", "/deliveries?status=failed").json().get("total").asInt() >= 6);
                secrets.add(api.rotate(other));
                api.call("GET", "/webhooks/logs", null);
                api.call("GET", "/deliveries", null);
                api.call("GET", "/metrics", null);
                api.call("GET", "/openapi.json", null);
                api.call("GET", "/health/ready", null);
                responses.add(hukz.api.send("GET", "/events", null, "X-User", "1", "Authorization", "Bearer wrong").text());
                hukz.terminate();
                output = hukz.output();
            }
            // A start that fails on a bad value must not print the passwords either.
            Map<String, String> bad = new HashMap<>(config);
            bad.put("server_port", "not-a-port");
            output += runToExit(bad);

            assertThat(output).contains("hukz").contains("started");
            for (String secret : secrets) {
                assertThat(output).as("log output").doesNotContain(secret);
                for (String response : responses) {
                    assertThat(response).as("API response").doesNotContain(secret);
                }
            }
        }
    }

    private static String runToExit(Map<String, String> config) throws IOException, InterruptedException {
        Path log = Scratch.file("bad-config", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Scratch.vertxCacheOption(), "-cp", System.getProperty("java.class.path"), "hukz.Hukz")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        config.forEach((k, v) -> pb.environment().put("HUKZ_" + k.toUpperCase(), v));
        Process p = pb.start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        String text = Files.readString(log);
        assertThat(text).contains("server_port");
        return text;
    }

    /** Every call carries the token; every response body is kept for the search. */
    private record Authorized(Api api, List<String> responses) {
        Api.Response call(String method, String path, String body) {
            Api.Response r = quiet(method, path, body);
            responses.add(r.text());
            return r;
        }

        Api.Response quiet(String method, String path) {
            return quiet(method, path, null);
        }

        Api.Response quiet(String method, String path, String body) {
            return api.send(method, path, body, "X-User", "1", "Authorization", "Bearer " + API_TOKEN, "Content-Type", "application/json");
        }

        /** The secret routes are the only ones meant to answer a key; they are read but not searched. */
        String secretOf(long webhook) {
            return quiet("GET", "/webhooks/" + webhook + "/secret").json().get("key").asText();
        }

        String rotate(long webhook) {
            return quiet("POST", "/webhooks/" + webhook + "/secret/rotate", null).json().get("key").asText();
        }
    }
}
