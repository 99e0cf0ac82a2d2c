package hukz.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Cleanup;
import hukz.support.DispatchKit;
import hukz.support.NatsPublisher;
import hukz.support.Receiver.Answer;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static hukz.support.DispatchKit.awaitOnlyDelivery;
import static hukz.support.DispatchKit.awaitRequests;
import static hukz.support.DispatchKit.deliveries;
import static hukz.support.DispatchKit.id;
import static hukz.support.DispatchKit.json;
import static hukz.support.DispatchKit.storedDeliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC §4 and §5: failures, the retry schedule (test default 200ms, 400ms, 800ms), and what ends a delivery. */
class RetryTest {
    static TestHukz hukz;
    static NatsPublisher nats;

    @BeforeAll
    static void start() {
        // Retries alone: a receiver failing more than circuit_failures times in a row would open its circuit
        // and hold the remaining retries (that is CircuitTest's subject).
        hukz = TestHukz.start(Map.of("circuit_failures", "1000"));
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(nats, hukz);
    }

    record Hook(Receiver receiver, String subject, long eventId, long webhookId) implements AutoCloseable {
        static Hook create(String prefix) {
            Receiver receiver = new Receiver();
            String s = DispatchKit.subject(prefix);
            long event = hukz.api.createEvent(s);
            return new Hook(receiver, s, event, id(hukz.api.createWebhook(receiver.url(), event)));
        }

        void publish(String body) {
            nats.publish(subject, body);
        }

        @Override
        public void close() {
            receiver.close();
        }
    }

    private static long gap(List<Receiver.Request> requests, int i) {
        return requests.get(i).receivedAtMillis() - requests.get(i - 1).receivedAtMillis();
    }

    @Test
    void nonSuccessIsRetriedOnTheScheduleThenFailsWithTheSameWebhookId() throws Exception {
        try (Hook hook = Hook.create("retry.schedule")) {
            hook.receiver().always(r -> Answer.status(500));
            String secret = hukz.api.secret(hook.webhookId());
            hook.publish("{\"n\":1}");

            JsonNode delivery = awaitOnlyDelivery(hukz, hook.webhookId(), "failed");
            List<Receiver.Request> requests = hook.receiver().requests();
            assertThat(requests).hasSize(4);
            assertThat(gap(requests, 1)).isGreaterThanOrEqualTo(200);
            assertThat(gap(requests, 2)).isGreaterThanOrEqualTo(400);
            assertThat(gap(requests, 3)).isGreaterThanOrEqualTo(800);

            String webhookId = requests.get(0).header("webhook-id");
            for (Receiver.Request r : requests) {
                assertThat(r.header("webhook-id")).isEqualTo(webhookId);
                assertThat(r.body()).isEqualTo(requests.get(0).body());
                r.verify(secret);
            }

            assertThat(delivery.get("attempts").size()).isEqualTo(4);
            assertThat(deliveries(hukz, hook.webhookId()).get(0).get("attempt_count").asInt()).isEqualTo(4);
            assertThat(delivery.get("message_id").asText()).isEqualTo(webhookId);
            assertThat(delivery.get("last_status_code").asInt()).isEqualTo(500);
            assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
            JsonNode attempts = delivery.get("attempts");
            assertThat(attempts).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(attempts.get(i).get("attempt").asInt()).isEqualTo(i + 1);
                assertThat(attempts.get(i).get("response_status_code").asInt()).isEqualTo(500);
                assertThat(attempts.get(i).get("message_id").asText()).isEqualTo(webhookId);
            }
            // no fifth attempt follows the last step
            await().during(Duration.ofMillis(1200)).atMost(DispatchKit.WAIT).until(() -> hook.receiver().count() == 4);
        }
    }

    @Test
    void successAfterFailuresDeliversAndStops() {
        try (Hook hook = Hook.create("retry.recovers")) {
            hook.receiver().then(Answer.status(503), Answer.status(404), Answer.status(202));
            hook.publish("{}");

            JsonNode delivery = awaitOnlyDelivery(hukz, hook.webhookId(), "delivered");
            assertThat(delivery.get("attempts").size()).isEqualTo(3);
            assertThat(delivery.get("last_status_code").asInt()).isEqualTo(202);
            assertThat(delivery.get("attempts")).extracting(a -> a.get("response_status_code").asInt()).containsExactly(503, 404, 202);
            await().during(Duration.ofMillis(600)).atMost(DispatchKit.WAIT).until(() -> hook.receiver().count() == 3);
        }
    }

    @Test
    void goneFailsTheDeliveryAtOnceAndDisablesTheWebhook() {
        try (Hook hook = Hook.create("retry.gone"); Receiver other = new Receiver()) {
            long otherId = id(hukz.api.createWebhook(other.url(), hook.eventId()));
            hook.receiver().always(r -> Answer.status(410));
            hook.publish("{\"n\":1}");

            JsonNode delivery = awaitOnlyDelivery(hukz, hook.webhookId(), "failed");
            assertThat(delivery.get("attempts").size()).isEqualTo(1);
            await().atMost(DispatchKit.WAIT).until(() -> !hukz.api.get("/webhooks/" + hook.webhookId()).json().get("enabled").asBoolean());
            JsonNode webhook = hukz.api.get("/webhooks/" + hook.webhookId()).json();
            assertThat(webhook.get("disabled_reason").asText()).contains("410");

            hook.publish("{\"n\":2}");
            awaitRequests(other, 2);
            assertThat(storedDeliveries(hukz, otherId)).isEqualTo(2);
            assertThat(storedDeliveries(hukz, hook.webhookId())).isEqualTo(1);
            assertThat(hook.receiver().count()).isEqualTo(1);
        }
    }

    @Test
    void redirectIsNotFollowedAndCountsAsFailure() {
        try (Hook hook = Hook.create("retry.redirect")) {
            String elsewhere = hook.receiver().url("/elsewhere");
            hook.receiver().then(new Answer(302, "", Map.of("Location", elsewhere), Duration.ZERO));
            hook.publish("{}");

            JsonNode delivery = awaitOnlyDelivery(hukz, hook.webhookId(), "delivered");
            assertThat(hook.receiver().requests()).extracting(Receiver.Request::path).containsExactly("/hook", "/hook");
            JsonNode first = delivery.get("attempts").get(0);
            assertThat(first.get("response_status_code").asInt()).isEqualTo(302);
            assertThat(first.get("error").asText()).contains("302");
            assertThat(delivery.get("attempts").get(1).get("response_status_code").asInt()).isEqualTo(200);
        }
    }

    @Test
    void receiverSlowerThanTheDeliveryTimeoutFailsWithATimeout() {
        try (Hook hook = Hook.create("retry.slow")) {
            // far slower than the 2 s delivery_timeout, so waiting for the answer cannot pass for the timeout
            hook.receiver().then(new Answer(200, "", Map.of(), Duration.ofSeconds(15)));
            hook.publish("{}");

            JsonNode delivery = awaitOnlyDelivery(hukz, hook.webhookId(), "delivered");
            JsonNode first = delivery.get("attempts").get(0);
            assertThat(first.get("response_status_code").asInt()).isZero();
            assertThat(first.get("error").asText()).startsWith("timeout");
            // the deadline under test: given up at the 2 s timeout, long before the answer would have come
            assertThat(first.get("duration_ms").asLong()).isBetween(1900L, 10_000L);
            assertThat(delivery.get("attempts").get(1).get("response_status_code").asInt()).isEqualTo(200);
        }
    }

    @Test
    void retryEndpointAttemptsAFailedDeliveryAgainNow() {
        try (Hook hook = Hook.create("retry.manual")) {
            AtomicBoolean up = new AtomicBoolean(false);
            hook.receiver().always(r -> up.get() ? Answer.ok() : Answer.status(500));
            hook.publish("{}");
            long deliveryId = awaitOnlyDelivery(hukz, hook.webhookId(), "failed").get("id").asLong();

            up.set(true);
            var answer = hukz.api.post("/deliveries/" + deliveryId + "/retry", "");
            assertThat(answer.status()).isEqualTo(202);

            JsonNode delivery = awaitOnlyDelivery(hukz, hook.webhookId(), "delivered");
            assertThat(delivery.get("attempts").size()).isEqualTo(5);
            assertThat(delivery.get("attempts")).extracting(a -> a.get("attempt").asInt()).containsExactly(1, 2, 3, 4, 5);
            assertThat(hook.receiver().count()).isEqualTo(5);
        }
    }

    @Test
    void recoverRequeuesTheWebhooksFailedDeliveriesSinceThen() {
        try (Hook hook = Hook.create("retry.recover")) {
            AtomicBoolean up = new AtomicBoolean(false);
            hook.receiver().always(r -> up.get() ? Answer.ok() : Answer.status(500));
            String since = Instant.now().minusSeconds(60).toString();
            hook.publish("{\"n\":1}");
            hook.publish("{\"n\":2}");
            await().atMost(DispatchKit.WAIT).until(() -> {
                List<JsonNode> list = deliveries(hukz, hook.webhookId());
                return list.size() == 2 && list.stream().allMatch(d -> d.get("status").asText().equals("failed"));
            });

            assertThat(hukz.api.post("/webhooks/" + hook.webhookId() + "/recover",
                    "{\"since\":\"" + Instant.now().plusSeconds(60) + "\"}").json().get("count").asInt()).isZero();
            up.set(true);
            var answer = hukz.api.post("/webhooks/" + hook.webhookId() + "/recover", "{\"since\":\"" + since + "\"}");
            assertThat(answer.json().get("count").asInt()).isEqualTo(2);

            await().atMost(DispatchKit.WAIT).until(() ->
                    deliveries(hukz, hook.webhookId()).stream().allMatch(d -> d.get("status").asText().equals("delivered")));
            assertThat(hook.receiver().count()).isEqualTo(10);
        }
    }

    @Test
    void pendingRetryOfAWebhookDisabledMeanwhileIsNotSent() {
        try (Hook hook = Hook.create("retry.disabled")) {
            String update = "{\"name\":\"off\",\"url\":\"" + hook.receiver().url() + "\",\"enabled\":false,\"event_ids\":[" + hook.eventId() + "]}";
            hook.receiver().always(r -> {
                hukz.api.put("/webhooks/" + hook.webhookId(), update);
                return Answer.status(500);
            });
            hook.publish("{}");

            JsonNode delivery = awaitOnlyDelivery(hukz, hook.webhookId(), "failed");
            assertThat(hook.receiver().count()).isEqualTo(1);
            assertThat(delivery.get("last_error").asText()).contains("disabled");
        }
    }
}
