package hukz.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Cleanup;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DeliveryEndToEndTest {
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

    @Test
    void publishedEventReachesWebhookSignedAndLogged() throws Exception {
        try (Receiver receiver = new Receiver()) {
            long event = hukz.api.createEvent("post.created");
            JsonNode webhook = hukz.api.createWebhook(receiver.url(), event);
            String secret = hukz.api.secret(webhook.get("id").asLong());

            nats.publish("post.created", "{\"title\":\"Hello\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.count() == 1);
            Receiver.Request request = receiver.requests().get(0);
            request.verify(secret);
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.body());
            assertThat(body.get("event").asText()).isEqualTo("post.created");
            assertThat(body.get("payload").get("title").asText()).isEqualTo("Hello");
            assertThat(body.get("id").asText()).isEqualTo(request.header("webhook-id"));

            await().atMost(Duration.ofSeconds(10)).until(() -> hukz.api.get("/webhooks/logs").json().get("total").asInt() == 1);
            JsonNode log = hukz.api.get("/webhooks/logs").json().get("nodes").get(0);
            assertThat(log.get("response_status_code").asInt()).isEqualTo(200);
            assertThat(log.get("data").toString()).isEqualTo(request.body());
        }
    }
}
