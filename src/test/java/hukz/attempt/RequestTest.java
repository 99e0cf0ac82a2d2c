package hukz.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import hukz.Version;
import hukz.support.Cleanup;
import hukz.support.DispatchKit;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static hukz.support.DispatchKit.awaitLogs;
import static hukz.support.DispatchKit.awaitRequests;
import static hukz.support.DispatchKit.deliveries;
import static hukz.support.DispatchKit.fieldNames;
import static hukz.support.DispatchKit.id;
import static hukz.support.DispatchKit.json;
import static hukz.support.DispatchKit.storedDeliveries;
import static hukz.support.DispatchKit.subject;
import static hukz.support.DispatchKit.withSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** SPEC §4: what each attempt sends, and the log row it leaves (§3). */
class RequestTest {
    static TestHukz hukz;
    static NatsPublisher nats;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(nats, hukz);
    }

    /** A receiver with a webhook on a fresh subject; {@code extra} is more webhook JSON (leading comma). */
    record Hook(Receiver receiver, String subject, long webhookId, String secret) implements AutoCloseable {
        static Hook create(String prefix, String extra) {
            Receiver receiver = new Receiver();
            String s = DispatchKit.subject(prefix);
            long event = hukz.api.createEvent(s);
            long webhook = id(hukz.api.createWebhook("{\"name\":\"" + prefix + "\",\"url\":\"" + receiver.url()
                    + "\",\"event_ids\":[" + event + "]" + extra + "}"));
            return new Hook(receiver, s, webhook, hukz.api.secret(webhook));
        }

        Receiver.Request publishAndReceive(byte[] body, String... headers) {
            int before = receiver.count();
            nats.publish(subject, body, headers);
            return awaitRequests(receiver, before + 1).get(before);
        }

        Receiver.Request publishAndReceive(String body) {
            return publishAndReceive(body.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            receiver.close();
        }
    }

    @Test
    void envelopeHasIdEventContainsCreatedAtAndPayload() throws Exception {
        try (Hook hook = Hook.create("envelope.post", "")) {
            Instant before = Instant.now();
            Receiver.Request r = hook.publishAndReceive("{\"title\":\"Hello\",\"n\":[1,2.5]}");
            JsonNode body = json(r.body());

            assertThat(fieldNames(body)).containsExactly("id", "event", "contains", "created_at", "payload");
            assertThat(body.get("event").asText()).isEqualTo(hook.subject());
            assertThat(body.get("contains").isArray()).isTrue();
            assertThat(body.get("contains")).hasSize(1);
            assertThat(body.get("contains").get(0).asText()).isEqualTo("envelope");
            Instant createdAt = OffsetDateTime.parse(body.get("created_at").asText()).toInstant();
            assertThat(body.get("created_at").asText()).endsWith("Z");
            assertThat(createdAt).isBetween(before.minusSeconds(1), Instant.now());
            assertThat(r.body()).contains("\"payload\":{\"title\":\"Hello\",\"n\":[1,2.5]}");

            String id = body.get("id").asText();
            assertThat(id).isNotBlank().isEqualTo(r.header("webhook-id"));
            JsonNode delivery = deliveries(hukz, hook.webhookId()).get(0);
            assertThat(delivery.get("message_id").asText()).isEqualTo(id);
            assertThat(awaitLogs(hukz, hook.webhookId(), 1).get(0).get("message_id").asText()).isEqualTo(id);
        }
    }

    @Test
    void eachMessageGetsItsOwnGeneratedId() {
        try (Hook hook = Hook.create("ids", "")) {
            String first = json(hook.publishAndReceive("1").body()).get("id").asText();
            String second = json(hook.publishAndReceive("2").body()).get("id").asText();
            assertThat(first).isNotEqualTo(second);
        }
    }

    @Test
    void nonJsonMessageIsSentAsJsonString() {
        try (Hook hook = Hook.create("text", "")) {
            String text = "hello \"world\" \\ {not json";
            Receiver.Request r = hook.publishAndReceive(text);
            assertThat(json(r.body()).get("payload").isTextual()).isTrue();
            assertThat(json(r.body()).get("payload").asText()).isEqualTo(text);
        }
    }

    @Test
    void emptyMessageIsSentAsNull() {
        try (Hook hook = Hook.create("empty", "")) {
            Receiver.Request r = hook.publishAndReceive(new byte[0]);
            assertThat(r.body()).contains("\"payload\":null");
            assertThat(json(r.body()).get("payload").isNull()).isTrue();
        }
    }

    @Test
    void natsMsgIdIsTheMessageIdAndASecondSightingCreatesNoDelivery() {
        try (Hook hook = Hook.create("dedup", "")) {
            String msgId = "order-" + System.nanoTime();
            Receiver.Request r = hook.publishAndReceive("{\"n\":1}".getBytes(StandardCharsets.UTF_8), "Nats-Msg-Id", msgId);
            assertThat(json(r.body()).get("id").asText()).isEqualTo(msgId);
            assertThat(r.header("webhook-id")).isEqualTo(msgId);

            nats.publish(hook.subject(), "{\"n\":2}".getBytes(StandardCharsets.UTF_8), "Nats-Msg-Id", msgId);
            Receiver.Request third = hook.publishAndReceive("{\"n\":3}".getBytes(StandardCharsets.UTF_8), "Nats-Msg-Id", msgId + "-other");

            assertThat(json(third.body()).get("id").asText()).isEqualTo(msgId + "-other");
            assertThat(storedDeliveries(hukz, hook.webhookId())).isEqualTo(2);
            assertThat(hook.receiver().requests()).extracting(q -> json(q.body()).get("payload").get("n").asInt()).containsExactly(1, 3);
        }
    }

    @Test
    void slackFormatSendsAChatMessage() throws Exception {
        assertChatFormat("slack");
    }

    @Test
    void googleChatFormatSendsAChatMessage() throws Exception {
        assertChatFormat("google_chat");
    }

    private void assertChatFormat(String format) throws Exception {
        try (Hook hook = Hook.create("chat." + format, ",\"format\":\"" + format + "\"")) {
            Receiver.Request r = hook.publishAndReceive("{\"title\":\"Hi\"}");
            JsonNode body = json(r.body());
            assertThat(fieldNames(body)).containsExactly("text");
            assertThat(body.get("text").asText()).contains(hook.subject()).contains("\"title\":\"Hi\"");
            r.verify(hook.secret());
            assertThat(awaitLogs(hukz, hook.webhookId(), 1).get(0).get("data")).isEqualTo(body);
        }
    }

    @Test
    void webhookHeadersArrive() {
        try (Hook hook = Hook.create("headers", ",\"headers\":{\"X-Api-Key\":\"k-123\",\"Authorization\":\"Bearer abc\","
                + "\"Cache-Control\":\"no-cache\",\"X-Empty-Ok\":\"a, b; c=d\"}")) {
            Receiver.Request r = hook.publishAndReceive("{}");
            assertThat(r.header("X-Api-Key")).isEqualTo("k-123");
            assertThat(r.header("Authorization")).isEqualTo("Bearer abc");
            assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(r.header("X-Empty-Ok")).isEqualTo("a, b; c=d");
        }
    }

    @Test
    void postsJsonWithHukzUserAgentAndNothingOfNatsOrCamel() {
        try (Hook hook = Hook.create("plain", "")) {
            Receiver.Request r = hook.publishAndReceive("{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                    "Nats-Msg-Id", "plain-" + System.nanoTime(), "X-Private", "secret-ish");
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/hook");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("User-Agent")).isEqualTo("hukz/" + Version.VERSION);
            assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("camel") || h.startsWith("nats") || h.equals("x-private"));
        }
    }

    @Test
    void standardWebhooksHeadersVerifyWithTheLibrary() throws Exception {
        try (Hook hook = Hook.create("signed", "")) {
            Receiver.Request r = hook.publishAndReceive("{\"amount\":\"12.30 €\"}");
            r.verify(hook.secret());
            assertThat(Long.parseLong(r.header("webhook-timestamp"))).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
            assertThat(r.header("webhook-signature")).startsWith("v1,").doesNotContain(" ");
            assertThatThrownBy(() -> r.verify(Signer.newSecret())).isInstanceOf(WebhookVerificationException.class);
        }
    }

    @Test
    void rotatedSecretSignsBesideTheOldOneEachVerifyingAlone() throws Exception {
        try (Hook hook = Hook.create("rotate", "")) {
            String old = hook.secret();
            var rotated = hukz.api.post("/webhooks/" + hook.webhookId() + "/secret/rotate", "");
            assertThat(rotated.status()).isEqualTo(200);
            String fresh = rotated.json().get("key").asText();
            assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
            assertThat(hukz.api.secret(hook.webhookId())).isEqualTo(fresh);

            Receiver.Request r = hook.publishAndReceive("{\"after\":\"rotation\"}");
            String[] signatures = r.header("webhook-signature").split(" ");
            assertThat(signatures).hasSize(2).allMatch(s -> s.startsWith("v1,"));

            Webhook freshKey = new Webhook(fresh);
            Webhook oldKey = new Webhook(old);
            freshKey.verify(r.body(), withSignature(r, signatures[0]));
            oldKey.verify(r.body(), withSignature(r, signatures[1]));
            assertThatThrownBy(() -> freshKey.verify(r.body(), withSignature(r, signatures[1]))).isInstanceOf(WebhookVerificationException.class);
            assertThatThrownBy(() -> oldKey.verify(r.body(), withSignature(r, signatures[0]))).isInstanceOf(WebhookVerificationException.class);
        }
    }

    @Test
    void everyLogRowHasEveryField() throws Exception {
        try (Hook hook = Hook.create("logged", ",\"tags\":{\"team\":\"a\"}")) {
            hook.receiver().then(new Receiver.Answer(500, "{\"error\":\"down\",\"n\":[1,2]}", Map.of("Content-Type", "application/json"), Duration.ZERO),
                    new Receiver.Answer(200, "thanks!", Map.of("Content-Type", "text/plain"), Duration.ZERO));
            Instant before = Instant.now();
            hook.publishAndReceive("{\"x\":1}");
            awaitRequests(hook.receiver(), 2);
            List<JsonNode> logs = awaitLogs(hukz, hook.webhookId(), 2);
            List<Receiver.Request> requests = hook.receiver().requests();
            JsonNode delivery = deliveries(hukz, hook.webhookId()).get(0);

            for (int i = 0; i < 2; i++) {
                JsonNode log = logs.get(i);
                assertThat(fieldNames(log)).containsExactlyInAnyOrder("id", "created_at", "created_by_id", "event", "url",
                        "response_status_code", "data", "response_body", "tags", "webhook_id", "delivery_id", "message_id",
                        "attempt", "duration_ms", "error");
                assertThat(log.get("id").asLong()).isPositive();
                assertThat(OffsetDateTime.parse(log.get("created_at").asText()).toInstant()).isBetween(before.minusSeconds(1), Instant.now());
                assertThat(log.get("created_by_id").asLong()).isEqualTo(1);
                assertThat(log.get("event").asText()).isEqualTo(hook.subject());
                assertThat(log.get("url").asText()).isEqualTo(hook.receiver().url());
                assertThat(log.get("data")).isEqualTo(json(requests.get(i).body()));
                assertThat(Sql.query(hukz.database(), "SELECT data::text FROM webhook_logs WHERE id = " + log.get("id").asLong()))
                        .isEqualTo(requests.get(i).body());
                assertThat(log.get("tags")).isEqualTo(json("{\"team\":\"a\"}"));
                assertThat(log.get("webhook_id").asLong()).isEqualTo(hook.webhookId());
                assertThat(log.get("delivery_id").asLong()).isEqualTo(delivery.get("id").asLong());
                assertThat(log.get("message_id").asText()).isEqualTo(requests.get(i).header("webhook-id"));
                assertThat(log.get("attempt").asInt()).isEqualTo(i + 1);
                assertThat(log.get("duration_ms").isIntegralNumber()).isTrue();
                assertThat(log.get("duration_ms").asLong()).isNotNegative();
            }
            assertThat(logs.get(0).get("response_status_code").asInt()).isEqualTo(500);
            assertThat(logs.get(0).get("response_body")).isEqualTo(json("{\"error\":\"down\",\"n\":[1,2]}"));
            assertThat(logs.get(0).get("error").asText()).contains("500");
            assertThat(logs.get(1).get("response_status_code").asInt()).isEqualTo(200);
            assertThat(logs.get(1).get("response_body").isTextual()).isTrue();
            assertThat(logs.get(1).get("response_body").asText()).isEqualTo("thanks!");
            assertThat(logs.get(1).get("error").isNull()).isTrue();
        }
    }

    @Test
    void logRowOfAnAttemptWithoutResponseHasStatusZeroAndTheError() {
        Receiver gone = new Receiver();
        String url = gone.url();
        gone.close();
        String s = subject("noresponse");
        long webhook = id(hukz.api.createWebhook(url, hukz.api.createEvent(s)));
        nats.publish(s, "{}");

        JsonNode log = awaitLogs(hukz, webhook, 1).get(0);
        assertThat(log.get("response_status_code").asInt()).isZero();
        assertThat(log.get("error").asText()).startsWith("connection error");
        assertThat(log.get("response_body").isNull()).isTrue();
        assertThat(log.get("data").get("event").asText()).isEqualTo(s);
    }

    @Test
    void testEndpointSendsAPingAndAnswersItsLogRow() throws Exception {
        try (Hook hook = Hook.create("pinged", "")) {
            hook.receiver().then(new Receiver.Answer(200, "{\"pong\":true}", Map.of("Content-Type", "application/json"), Duration.ZERO));
            var answer = hukz.api.post("/webhooks/" + hook.webhookId() + "/test", "");
            assertThat(answer.status()).isEqualTo(200);
            JsonNode log = answer.json();

            Receiver.Request r = awaitRequests(hook.receiver(), 1).get(0);
            r.verify(hook.secret());
            assertThat(json(r.body()).get("event").asText()).isEqualTo("hukz.ping");
            assertThat(log.get("event").asText()).isEqualTo("hukz.ping");
            assertThat(log.get("response_status_code").asInt()).isEqualTo(200);
            assertThat(log.get("response_body")).isEqualTo(json("{\"pong\":true}"));
            assertThat(log.get("data")).isEqualTo(json(r.body()));
            assertThat(log.get("message_id").asText()).isEqualTo(r.header("webhook-id"));
            assertThat(log.get("webhook_id").asLong()).isEqualTo(hook.webhookId());
            assertThat(log.get("id").asLong()).isPositive();
            await().atMost(DispatchKit.WAIT).until(() -> DispatchKit.logs(hukz, hook.webhookId()).size() == 1);
        }
    }
}
