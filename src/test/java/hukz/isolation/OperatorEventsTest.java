package hukz.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §9: what an operator must know goes out on NATS, where any application (and any webhook) can take it;
 * the delivery of an operator event never makes another one. Each test has its own prefix, so that it sees only
 * its own events on the shared nats-server.
 */
class OperatorEventsTest {

    private static String prefix() {
        return "ops" + System.nanoTime() % 1_000_000 + ".";
    }

    @Test
    void goneReceiverIsReportedOnNatsAndToAWebhookOnTheOperatorSubjects() {
        String prefix = prefix();
        // the monitoring webhook fails every attempt: its circuit opens after 3 (cool-down 200 ms) and its
        // deliveries fail for good after 4 attempts, none of which may produce an operator event
        Map<String, String> config = Map.of("operator_subject_prefix", prefix, "circuit_failures", "3", "circuit_cooldown", "200ms",
                "retry_schedule", "100ms,100ms,100ms");
        try (TestHukz hukz = TestHukz.start(config); Receiver gone = new Receiver(); Receiver monitor = new Receiver();
             NatsPublisher nats = NatsPublisher.shared(); OperatorEventListener operator = new OperatorEventListener(prefix)) {
            gone.always(r -> Receiver.Answer.status(410));
            monitor.always(r -> Receiver.Answer.status(500));
            String subject = FlowKit.subject("orders.gone");
            long goneId = hukz.api.createWebhook("{\"name\":\"shop\",\"url\":\"" + gone.url() + "\",\"event_ids\":["
                    + hukz.api.createEvent(subject) + "]}").get("id").asLong();
            long monitorId = hukz.api.createWebhook(monitor.url(), hukz.api.createEvent(prefix + ">")).get("id").asLong();

            nats.publish(subject, "{\"order\":1}");

            await().atMost(Duration.ofSeconds(15)).until(() -> operator.events().size() >= 2);
            List<OperatorEventListener.Event> events = operator.events();
            assertThat(events).extracting(OperatorEventListener.Event::subject)
                    .containsExactlyInAnyOrder(prefix + "webhook.disabled", prefix + "delivery.failed");
            JsonNode delivery = FlowKit.deliveries(hukz, goneId).get(0);
            for (OperatorEventListener.Event e : events) {
                JsonNode body = e.body();
                assertThat(e.msgId()).isNotBlank();
                assertThat(FlowKit.fieldNames(body)).containsExactly("type", "webhook_id", "webhook_name", "url", "created_by_id",
                        "delivery_id", "message_id", "reason", "at");
                assertThat(body.get("type").asText()).isEqualTo(e.subject().substring(prefix.length()));
                assertThat(body.get("webhook_id").asLong()).isEqualTo(goneId);
                assertThat(body.get("webhook_name").asText()).isEqualTo("shop");
                assertThat(body.get("url").asText()).isEqualTo(gone.url());
                assertThat(body.get("created_by_id").asLong()).isEqualTo(1);
                assertThat(body.get("reason").asText()).contains("410");
                assertThat(OffsetDateTime.parse(body.get("at").asText())).isNotNull();
                if (body.get("type").asText().equals("delivery.failed")) {
                    assertThat(body.get("delivery_id").asLong()).isEqualTo(delivery.get("id").asLong());
                    assertThat(body.get("message_id").asText()).isEqualTo(delivery.get("message_id").asText());
                } else {
                    assertThat(body.get("delivery_id").isNull()).isTrue();
                    assertThat(body.get("message_id").isNull()).isTrue();
                }
            }
            assertThat(events.get(0).msgId()).isNotEqualTo(events.get(1).msgId());
            JsonNode webhook = hukz.api.get("/webhooks/" + goneId).json();
            assertThat(webhook.get("enabled").asBoolean()).isFalse();
            assertThat(webhook.get("disabled_reason").asText()).contains("410");

            // the webhook on the operator subjects receives both, like any event
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.requests().stream()
                    .map(r -> FlowKit.json(r.body()).get("event").asText()).distinct().count() == 2);
            assertThat(monitor.requests()).extracting(r -> FlowKit.json(r.body()).get("payload").get("webhook_id").asLong())
                    .containsOnly(goneId);

            // its own deliveries fail for good (its circuit opened on the way); that makes no operator event
            await().atMost(Duration.ofSeconds(20)).until(() -> FlowKit.count(hukz, monitorId, "failed") == 2);
            assertThat(monitor.count()).isEqualTo(8);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> operator.events().size() == 2);
        }
    }

    @Test
    void webhookFailingForDisableAfterIsDisabledAndItsPendingDeliveriesFail() {
        String prefix = prefix();
        Map<String, String> config = Map.of("operator_subject_prefix", prefix, "disable_after", "1s", "circuit_failures", "1000",
                "retry_schedule", "300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,1h");
        try (TestHukz hukz = TestHukz.start(config); Receiver failing = new Receiver(); NatsPublisher nats = NatsPublisher.shared();
             OperatorEventListener operator = new OperatorEventListener(prefix)) {
            failing.always(r -> Receiver.Answer.status(502));
            String subject = FlowKit.subject("orders.failing");
            long id = hukz.api.createWebhook(failing.url(), hukz.api.createEvent(subject)).get("id").asLong();
            nats.publish(subject, "{\"n\":1}");
            nats.publish(subject, "{\"n\":2}");

            await().atMost(Duration.ofSeconds(15)).until(() -> !hukz.api.get("/webhooks/" + id).json().get("enabled").asBoolean());
            assertThat(hukz.api.get("/webhooks/" + id).json().get("disabled_reason").asText()).contains("disable_after");
            await().atMost(Duration.ofSeconds(10)).until(() -> FlowKit.count(hukz, id, "failed") == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> operator.about(id).size() == 3);
            assertThat(operator.about(id)).extracting(OperatorEventListener.Event::subject)
                    .containsOnly(prefix + "webhook.disabled", prefix + "delivery.failed")
                    .filteredOn(s -> s.endsWith("delivery.failed")).hasSize(2);
        }
    }
}
