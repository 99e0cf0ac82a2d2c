package hukz.durability;

import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two instances on one database and one queue group share the work: each message delivered exactly once. */
class ScaleOutTest {
    private static final int MESSAGES = 300;

    @Test
    void twoInstancesDeliverEveryMessageExactlyOnce() {
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            Map<String, Integer> received = new ConcurrentHashMap<>();
            // Every fifth message fails once, so the retry poller of both instances has work to share too.
            receiver.always(r -> {
                String id = r.header("webhook-id");
                int n = received.merge(id, 1, Integer::sum);
                return Math.abs(id.hashCode()) % 5 == 0 && n == 1 ? Receiver.Answer.status(503) : Receiver.Answer.ok();
            });
            try (TestHukz a = TestHukz.start(Map.of("retry_schedule", "300ms,300ms,300ms"))) {
                Map<String, String> second = new HashMap<>(a.rawConfig());
                second.put("server_port", String.valueOf(TestNats.freePort()));
                try (TestHukz b = TestHukz.startWith(second)) {
                    long event = a.api.createEvent("scale.out");
                    a.api.createWebhook(receiver.url(), event);
                    // b would see a's webhook through the routing version within a second; a change made through b's
                    // own API makes b reload at its next message, so nothing needs to wait for that second
                    b.api.createEvent("scale.out.sync");
                    for (int i = 0; i < MESSAGES; i++) {
                        nats.publish("scale.out", "{\"n\":" + i + "}");
                    }
                    await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == MESSAGES
                            && a.api.get("/deliveries?status=delivered&limit=1").json().get("total").asInt() == MESSAGES);

                    long expectedRequests = received.keySet().stream().filter(id -> Math.abs(id.hashCode()) % 5 == 0).count() + MESSAGES;
                    assertThat(receiver.count()).as("requests: one per message plus one per planned failure").isEqualTo(expectedRequests);
                    assertThat(consumed(a)).as("messages taken by instance a").isPositive();
                    assertThat(consumed(b)).as("messages taken by instance b").isPositive();
                    assertThat(consumed(a) + consumed(b)).isEqualTo(MESSAGES);
                }
            }
        }
    }

    private static long consumed(TestHukz hukz) {
        String metrics = hukz.api.get("/metrics").text();
        return metrics.lines().filter(l -> l.startsWith("hukz_messages_consumed_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
