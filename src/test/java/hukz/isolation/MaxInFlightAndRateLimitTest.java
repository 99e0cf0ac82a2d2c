package hukz.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC §8 and §3: a webhook's max_in_flight and rate_limit, set through the API and kept by delivery. */
class MaxInFlightAndRateLimitTest {
    static TestHukz hukz;
    static NatsPublisher nats;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        nats.close();
        hukz.close();
    }

    private static long webhook(String url, long event, String limits) {
        return hukz.api.createWebhook("{\"name\":\"limited\",\"url\":\"" + url + "\",\"event_ids\":[" + event + "]," + limits + "}")
                .get("id").asLong();
    }

    @Test
    void maxInFlightThreeNeverSeesMoreThanThreeRequestsAtOnce() {
        try (Receiver receiver = new Receiver()) {
            AtomicInteger now = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            // a slow receiver (it serves up to 16 requests at once), so that attempts overlap unless hukz holds them
            receiver.always(r -> {
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now.decrementAndGet();
                return Receiver.Answer.ok();
            });
            String subject = FlowKit.subject("limit.inflight");
            long id = webhook(receiver.url(), hukz.api.createEvent(subject), "\"max_in_flight\":3");
            for (int i = 0; i < 30; i++) {
                nats.publish(subject, "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> FlowKit.count(hukz, id, "delivered") == 30);
            assertThat(receiver.count()).isEqualTo(30);
            assertThat(most.get()).isEqualTo(3);
            assertThat(FlowKit.metric(hukz, "hukz_attempts_in_flight")).isZero();
            assertThat(FlowKit.deliveries(hukz, id)).allMatch(d -> d.get("attempt_count").asInt() == 1);
        }
    }

    @Test
    void rateLimitTwentySpreadsTwoHundredDeliveriesOverNineSecondsOrMore() {
        try (Receiver receiver = new Receiver()) {
            String subject = FlowKit.subject("limit.rate");
            long id = webhook(receiver.url(), hukz.api.createEvent(subject), "\"rate_limit\":20");
            for (int i = 0; i < 200; i++) {
                nats.publish(subject, "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> FlowKit.metric(hukz, "hukz_deliveries_waiting{reason=\"rate_limit\"") > 100);
            await().atMost(Duration.ofSeconds(40)).until(() -> FlowKit.count(hukz, id, "delivered") == 200);

            List<Long> at = receiver.requests().stream().map(Receiver.Request::receivedAtMillis).sorted().toList();
            assertThat(at).hasSize(200);
            assertThat(at.get(199) - at.get(0)).as("first to last request, ms").isGreaterThanOrEqualTo(9000);
            int busiest = 0;
            for (int i = 0; i < at.size(); i++) {
                int j = i;
                while (j < at.size() && at.get(j) < at.get(i) + 1000) {
                    j++;
                }
                busiest = Math.max(busiest, j - i);
            }
            assertThat(busiest).as("most requests in any one-second window").isLessThanOrEqualTo(40);
            assertThat(FlowKit.deliveries(hukz, id)).as("waiting is not an attempt").allMatch(d -> d.get("attempt_count").asInt() == 1);
        }
    }

    @Test
    void limitsAreValidatedAndShownWithTheHealth() {
        try (Receiver receiver = new Receiver()) {
            long event = hukz.api.createEvent(FlowKit.subject("limit.api"));
            JsonNode created = hukz.api.createWebhook("{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "]}");
            assertThat(created.get("rate_limit").isNull()).isTrue();
            assertThat(created.get("max_in_flight").asInt()).as("the max_in_flight key's default").isEqualTo(16);
            JsonNode health = created.get("health");
            assertThat(health.get("circuit").asText()).isEqualTo("closed");
            assertThat(health.get("consecutive_failures").asInt()).isZero();
            assertThat(health.get("failing_since").isNull()).isTrue();
            assertThat(health.get("next_probe_at").isNull()).isTrue();

            String base = "\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "]";
            for (String bad : List.of("\"rate_limit\":0", "\"rate_limit\":10001", "\"rate_limit\":1.5", "\"rate_limit\":\"5\"",
                    "\"max_in_flight\":0", "\"max_in_flight\":1001", "\"max_in_flight\":null,\"rate_limit\":-1")) {
                var answer = hukz.api.post("/webhooks", "{" + base + "," + bad + "}");
                assertThat(answer.status()).as(bad).isEqualTo(422);
                String field = bad.contains("rate_limit") ? "rate_limit" : "max_in_flight";
                assertThat(answer.json().get("errors").get(0).get("source").asText()).as(bad).isEqualTo(field);
            }
            long id = hukz.api.createWebhook("{" + base + ",\"rate_limit\":10000,\"max_in_flight\":1000}").get("id").asLong();
            JsonNode updated = hukz.api.put("/webhooks/" + id, "{" + base + ",\"rate_limit\":5,\"max_in_flight\":2}").json();
            assertThat(updated.get("rate_limit").asInt()).isEqualTo(5);
            assertThat(updated.get("max_in_flight").asInt()).isEqualTo(2);
            JsonNode replaced = hukz.api.put("/webhooks/" + id, "{" + base + "}").json();
            assertThat(replaced.get("rate_limit").isNull()).as("a replace without rate_limit removes it").isTrue();
            assertThat(replaced.get("max_in_flight").asInt()).isEqualTo(16);
        }
    }
}
