package hukz.durability;

import hukz.support.Api;
import hukz.support.CapturedLog;
import hukz.support.NatsPublisher;
import hukz.support.Prometheus;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durable consumer deleted while hukz runs (an operator, a stream re-created, a consumer expired): readiness
 * says so, hukz makes the consumer again with the same name and settings and goes on from where it was.
 */
class ConsumerLossTest {
    private static final String STREAM = "HUKZ_CONSUMER_LOSS";
    private static final Pattern N = Pattern.compile("\"n\":(\\d+)");

    @Test
    void aDeletedDurableConsumerIsMadeAgainAndEveryLaterMessageDelivered() throws Exception {
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            JetStreamManagement jsm = nats.connection().jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(STREAM).subjects("loss.>").storageType(StorageType.File).build());
            JetStream js = nats.connection().jetStream();
            try (TestHukz hukz = TestHukz.start(Map.of("nats_stream", STREAM, "nats_subject", "loss.>"))) {
                hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("loss.created"));
                String durable = hukz.config().queueGroup();
                for (int n = 0; n < 3; n++) {
                    js.publish("loss.created", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 3
                        && jsm.getConsumerInfo(STREAM, durable).getAckFloor().getStreamSequence() == 3);
                ConsumerConfiguration before = jsm.getConsumerInfo(STREAM, durable).getConsumerConfiguration();

                try (CapturedLog log = new CapturedLog()) {
                    jsm.deleteConsumer(STREAM, durable);
                    for (int n = 3; n < 8; n++) {
                        js.publish("loss.created", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
                    }
                    // hukz remakes the consumer about a second after it notices: poll often enough to see the 503.
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> notReadyFor(hukz.api, "nats"));
                    await().atMost(Duration.ofSeconds(30)).until(() -> hukz.api.send("GET", "/health/ready", null).status() == 200);

                    await().atMost(Duration.ofSeconds(30)).until(() -> numbersReceived(receiver).size() == 8);
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 8);
                    assertThat(receiver.count()).as("the messages stored before the loss are not taken again").isEqualTo(8);

                    ConsumerConfiguration after = jsm.getConsumerInfo(STREAM, durable).getConsumerConfiguration();
                    assertThat(after.getDurable()).isEqualTo(durable);
                    assertThat(after.getAckPolicy()).isEqualTo(before.getAckPolicy());
                    assertThat(after.getAckWait()).isEqualTo(before.getAckWait());
                    assertThat(after.getFilterSubject()).isEqualTo(before.getFilterSubject());
                    assertThat(after.getMaxAckPending()).isEqualTo(before.getMaxAckPending());
                    assertThat(log.containing("re-created durable consumer")).hasSize(1);
                    assertThat(log.containing("not consuming JetStream stream")).hasSize(1);
                    assertThat(Prometheus.value(hukz.api, "hukz_consumer_active")).isEqualTo(1.0);
                    assertThat(log.stackTraces()).isZero();
                }
            }
        }
    }

    private static boolean notReadyFor(Api api, String what) {
        Api.Response r = api.send("GET", "/health/ready", null);
        return r.status() == 503 && r.json().path("errors").has(what);
    }

    private static Set<Integer> numbersReceived(Receiver receiver) {
        Set<Integer> numbers = new TreeSet<>();
        for (Receiver.Request r : receiver.requests()) {
            Matcher m = N.matcher(r.body());
            if (m.find()) {
                numbers.add(Integer.parseInt(m.group(1)));
            }
        }
        return numbers;
    }
}
