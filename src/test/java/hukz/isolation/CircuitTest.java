package hukz.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §8: a webhook's circuit opens after circuit_failures failures in a row, then one probe goes out per
 * cool-down (doubling), across instances; waiting deliveries keep their retries; a successful probe closes it.
 */
class CircuitTest {

    private static long webhook(TestHukz hukz, String url, String subject) {
        long event = hukz.api.createEvent(subject);
        // one attempt at a time, so the attempts before the circuit opens are exactly circuit_failures
        return hukz.api.createWebhook("{\"name\":\"flaky\",\"url\":\"" + url + "\",\"event_ids\":[" + event + "],\"max_in_flight\":1}")
                .get("id").asLong();
    }

    private static long gap(List<Receiver.Request> requests, int i) {
        return requests.get(i).receivedAtMillis() - requests.get(i - 1).receivedAtMillis();
    }

    @Test
    void opensAfterFiveFailuresProbesOncePerDoublingCooldownAndClosesOnSuccess() {
        String prefix = "ops" + System.nanoTime() % 100000 + ".";
        Map<String, String> config = Map.of("circuit_cooldown", "500ms", "retry_schedule", "1s,1s,1s,1s,1s,1s,1s,1s",
                "operator_subject_prefix", prefix);
        try (TestHukz hukz = TestHukz.start(config); Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared();
             OperatorEventListener operator = new OperatorEventListener(prefix)) {
            AtomicBoolean up = new AtomicBoolean(false);
            receiver.always(r -> up.get() ? Receiver.Answer.ok() : Receiver.Answer.status(503));
            String subject = FlowKit.subject("circuit.one");
            long id = webhook(hukz, receiver.url(), subject);
            for (int i = 0; i < 8; i++) {
                nats.publish(subject, "{\"n\":" + i + "}");
            }

            await().atMost(Duration.ofSeconds(15)).until(() -> !FlowKit.health(hukz, id).get("circuit").asText().equals("closed"));
            JsonNode health = FlowKit.health(hukz, id);
            assertThat(health.get("consecutive_failures").asInt()).isGreaterThanOrEqualTo(5);
            assertThat(health.get("failing_since").isNull()).isFalse();
            assertThat(health.get("next_probe_at").isNull()).isFalse();
            assertThat(FlowKit.metric(hukz, "hukz_circuits_open")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> FlowKit.metric(hukz, "hukz_deliveries_waiting{reason=\"circuit\"") >= 5);

            // three probes: 500 ms, 1 s and 2 s after the failures before them
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.count() >= 8);
            List<Receiver.Request> requests = receiver.requests();
            assertThat(gap(requests, 5)).isGreaterThanOrEqualTo(500);
            assertThat(gap(requests, 6)).isGreaterThanOrEqualTo(1000);
            assertThat(gap(requests, 7)).isGreaterThanOrEqualTo(2000);
            assertThat(operator.about(id)).extracting(e -> e.subject()).containsExactly(prefix + "webhook.circuit_opened");

            // the waiting deliveries spent no retries: every attempt counted is a request the receiver saw (an attempt
            // is counted when the record stage writes its outcome, up to RecordBatch.LINGER after the receiver saw it;
            // the next probe is 4 s away)
            await().atMost(Duration.ofSeconds(3)).until(() -> FlowKit.deliveries(hukz, id).stream()
                    .mapToInt(d -> d.get("attempt_count").asInt()).sum() == receiver.count());
            List<JsonNode> waiting = FlowKit.deliveries(hukz, id);
            assertThat(waiting).hasSize(8).allMatch(d -> d.get("status").asText().equals("pending"));
            assertThat(waiting.stream().mapToInt(d -> d.get("attempt_count").asInt()).sum()).isEqualTo(receiver.count());
            assertThat(waiting).allMatch(d -> d.get("attempt_count").asInt() <= 2);

            up.set(true);
            await().atMost(Duration.ofSeconds(20)).until(() -> FlowKit.count(hukz, id, "delivered") == 8);
            health = FlowKit.health(hukz, id);
            assertThat(health.get("circuit").asText()).isEqualTo("closed");
            assertThat(health.get("consecutive_failures").asInt()).isZero();
            assertThat(health.get("failing_since").isNull()).isTrue();
            assertThat(health.get("next_probe_at").isNull()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> operator.about(id).size() == 2);
            assertThat(operator.about(id)).extracting(e -> e.subject())
                    .containsExactly(prefix + "webhook.circuit_opened", prefix + "webhook.circuit_closed");
        }
    }

    @Test
    void twoInstancesSendOneProbePerCooldown() {
        Map<String, String> config = Map.of("circuit_cooldown", "700ms", "retry_schedule", "200ms,200ms,200ms,200ms,200ms,200ms",
                "operator_subject_prefix", "");
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared(); TestHukz a = TestHukz.start(config)) {
            receiver.always(r -> Receiver.Answer.status(500));
            Map<String, String> second = new HashMap<>(a.rawConfig());
            second.put("server_port", String.valueOf(TestNats.freePort()));
            try (TestHukz b = TestHukz.startWith(second)) {
                String subject = FlowKit.subject("circuit.two");
                long id = webhook(a, receiver.url(), subject);
                // b learns of the new webhook through the routing version within a second
                await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(1100)).until(() -> true);
                for (int i = 0; i < 10; i++) {
                    nats.publish(subject, "{\"n\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> !FlowKit.health(b, id).get("circuit").asText().equals("closed"));
                long openedAt = System.currentTimeMillis();
                // probes 0.7 s, 2.1 s and 4.9 s after opening; either instance may send each, never both
                await().atMost(Duration.ofSeconds(20)).until(() -> after(receiver, openedAt + 300).size() >= 3);
                List<Long> probes = after(receiver, openedAt + 300);
                for (int i = 1; i < probes.size(); i++) {
                    assertThat(probes.get(i) - probes.get(i - 1)).as("time between probes %d and %d", i, i + 1)
                            .isGreaterThanOrEqualTo(1400);
                }
                assertThat(FlowKit.metric(a, "hukz_circuits_open")).isEqualTo(1);
                assertThat(FlowKit.metric(b, "hukz_circuits_open")).isEqualTo(1);
                assertThat(FlowKit.count(a, id, "failed")).as("no delivery spent its retries while the circuit was open").isZero();
            }
        }
    }

    private static List<Long> after(Receiver receiver, long from) {
        return receiver.requests().stream().map(Receiver.Request::receivedAtMillis).filter(t -> t > from).sorted().toList();
    }
}
