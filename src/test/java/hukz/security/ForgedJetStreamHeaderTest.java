package hukz.security;

import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With nats_stream set, the event is also the JetStream message's own subject, whatever its headers say. */
class ForgedJetStreamHeaderTest {
    @Test
    void aCamelNatsSubjectHeaderDoesNotChangeTheEvent() throws Exception {
        String stream = "HUKZ_FORGE_JS_" + ProcessHandle.current().pid();
        try (Receiver real = new Receiver(); Receiver forged = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            JetStreamManagement jsm = nats.connection().jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects("jsforge.>").storageType(StorageType.Memory).build());
            try (TestHukz hukz = TestHukz.start(Map.of("nats_stream", stream, "nats_subject", "jsforge.>"))) {
                hukz.api.createWebhook(real.url(), hukz.api.createEvent("jsforge.real"));
                hukz.api.createWebhook(forged.url(), hukz.api.createEvent("jsforge.paid"));
                JetStream js = nats.connection().jetStream();
                Headers headers = new Headers();
                headers.add("CamelNatsSubject", "jsforge.paid");
                headers.add("camelnatssubject", "jsforge.paid");
                js.publish(NatsMessage.builder().subject("jsforge.real").headers(headers)
                        .data("{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build());
                await().atMost(Duration.ofSeconds(20)).until(() -> real.count() == 1);
                assertThat(real.requests().get(0).body()).contains("\"event\":\"jsforge.real\"");
                assertThat(forged.count()).isZero();
            } finally {
                jsm.deleteStream(stream);
            }
        }
    }
}
