package hukz.durability;

import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With nats_stream set, what is published while hukz is down is delivered when it comes back. */
class JetStreamTest {

    @Test
    void messagesPublishedWhileHukzIsDownAreDeliveredWhenItStarts() throws Exception {
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            JetStreamManagement jsm = nats.connection().jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("HUKZ_JS_TEST").subjects("jsorders.>")
                    .storageType(StorageType.File).build());
            JetStream js = nats.connection().jetStream();

            Map<String, String> config = new HashMap<>(Map.of("nats_stream", "HUKZ_JS_TEST", "nats_subject", "jsorders.>"));
            Map<String, String> raw;
            try (TestHukz hukz = TestHukz.start(config)) {
                raw = hukz.rawConfig();
                long event = hukz.api.createEvent("jsorders.created");
                hukz.api.createWebhook(receiver.url(), event);
                js.publish("jsorders.created", "{\"while\":\"up\"}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(10)).until(() -> receiver.count() == 1);
            }

            for (int i = 0; i < 50; i++) {
                js.publish("jsorders.created", ("{\"while\":\"down\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(receiver.count()).isEqualTo(1);

            try (TestHukz again = TestHukz.startWith(raw)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() >= 51);
                Set<String> bodies = new HashSet<>();
                receiver.requests().forEach(r -> bodies.add(r.body().replaceAll(".*\"payload\":", "")));
                assertThat(bodies).hasSize(51);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        again.api.get("/deliveries?status=delivered&limit=1").json().get("total").asInt() == 51);
            }
        }
    }
}
