package hukz.durability;

import hukz.support.Cleanup;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the README promises about how hukz consumes NATS: nats_subject, the JetStream stream and its consumer. */
class NatsConsumptionTest {
    private static final AtomicInteger N = new AtomicInteger();

    /** Core NATS: only subjects under nats_subject are taken, even when a webhook's event matches another. */
    @Test
    void natsSubjectNarrowsWhatCoreNatsConsumes() {
        String prefix = "narrow" + N.incrementAndGet() + "x" + System.nanoTime() % 100000;
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared();
             TestHukz hukz = TestHukz.start(Map.of("nats_subject", prefix + ".in.>"))) {
            hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(prefix + ".>"));

            nats.publish(prefix + ".out.skipped", "{\"n\":1}");
            nats.publish(prefix + ".in.taken", "{\"n\":2}");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);

            // NATS keeps the order of one publisher: had the first message been taken, it would have come first
            assertThat(receiver.requests().get(0).body()).contains(prefix + ".in.taken");
            assertThat(consumed(hukz)).as("messages hukz took from NATS").isEqualTo(1);
            assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM deliveries")).isEqualTo(1);
        }
    }

    /**
     * With nats_stream set, a stream that does not exist is created for nats_subject, and every instance of a
     * queue_group consumes through the one durable consumer named after it: each message is taken once.
     */
    @Test
    void jetStreamStreamIsCreatedWhenMissingAndInstancesShareOneConsumerNamedAfterTheQueueGroup() throws Exception {
        int n = N.incrementAndGet();
        String stream = "HUKZ_CREATED_" + n + "_" + System.nanoTime() % 100000;
        String subject = "jscreated" + n + "x" + System.nanoTime() % 100000;
        int messages = 100;
        TestHukz a = null;
        TestHukz b = null;
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            Map<String, Integer> received = new ConcurrentHashMap<>();
            receiver.always(r -> {
                received.merge(r.header("webhook-id"), 1, Integer::sum);
                return Receiver.Answer.ok();
            });
            JetStreamManagement jsm = nats.connection().jetStreamManagement();
            assertThat(jsm.getStreamNames()).doesNotContain(stream);

            a = TestHukz.start(Map.of("nats_stream", stream, "nats_subject", subject + ".>"));
            StreamInfo info = jsm.getStreamInfo(stream);
            assertThat(info.getConfiguration().getSubjects()).containsExactly(subject + ".>");
            String queueGroup = a.rawConfig().get("queue_group");
            await().atMost(Duration.ofSeconds(30)).until(() -> jsm.getConsumerNames(stream).contains(queueGroup));

            Map<String, String> second = new HashMap<>(a.rawConfig());
            second.put("server_port", String.valueOf(TestNats.freePort()));
            b = TestHukz.startWith(second);
            a.api.createWebhook(receiver.url(), a.api.createEvent(subject + ".created"));
            // b reloads its routing table at its next message after a change through its own API
            b.api.createEvent(subject + ".sync");

            var js = nats.connection().jetStream();
            for (int i = 0; i < messages; i++) {
                js.publish(subject + ".created", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == messages);
            TestHukz first = a;
            TestHukz other = b;
            await().atMost(Duration.ofSeconds(30)).until(() -> consumed(first) + consumed(other) == messages);

            assertThat(jsm.getConsumerNames(stream)).as("one durable consumer, shared").containsExactly(queueGroup);
            assertThat(received.values()).as("each message delivered once").allMatch(count -> count == 1);
            assertThat(Sql.count(a.database(), "SELECT count(*) FROM deliveries")).isEqualTo(messages);
        } finally {
            Cleanup.closeAll(b, a);
        }
    }

    private static long consumed(TestHukz hukz) {
        return hukz.api.get("/metrics").text().lines().filter(l -> l.startsWith("hukz_messages_consumed_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
