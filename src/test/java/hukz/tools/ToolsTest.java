package hukz.tools;

import hukz.support.JavaProcess;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The README's worked example with its own tools: Receive prints the signed POST, Publish sends the event. */
class ToolsTest {

    @Test
    void publishedEventReachesTheReceiveToolWithAValidSignature() {
        int port = TestNats.freePort();
        String subject = "tools.post.created." + System.nanoTime() % 100000;
        try (TestHukz hukz = TestHukz.start()) {
            long event = hukz.api.createEvent(subject);
            long webhook = hukz.api.createWebhook("http://127.0.0.1:" + port + "/hook", event).get("id").asLong();
            String secret = hukz.api.secret(webhook);
            try (JavaProcess receive = JavaProcess.start("hukz.tools.Receive", String.valueOf(port), secret)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> receive.output().contains("listening on"));

                JavaProcess publish = JavaProcess.start("hukz.tools.Publish", "-s", TestNats.shared().url(), subject, "{\"title\":\"Hello\"}");
                try (publish) {
                    assertThat(publish.awaitExit(60)).as(publish.output()).isZero();
                    assertThat(publish.output()).contains("published to " + subject);
                }

                await().atMost(Duration.ofSeconds(30)).until(() -> receive.output().contains("signature:"));
                String printed = receive.output();
                assertThat(printed).contains("POST /hook").containsIgnoringCase("webhook-signature: v1,")
                        .contains("\"event\":\"" + subject + "\"").contains("\"payload\":{\"title\":\"Hello\"}")
                        .contains("signature: valid").doesNotContain("INVALID");
                // Receive prints before it answers: keep it running until hukz has its 200
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        hukz.api.get("/deliveries?status=delivered&webhook_id=" + webhook).json().get("total").asInt() == 1);
            }
        }
    }

    @Test
    void receiveSaysSoWhenTheSignatureDoesNotHold() {
        int port = TestNats.freePort();
        String subject = "tools.wrong.key." + System.nanoTime() % 100000;
        try (TestHukz hukz = TestHukz.start()) {
            long event = hukz.api.createEvent(subject);
            hukz.api.createWebhook("http://127.0.0.1:" + port + "/hook", event);
            String otherKey = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
            try (JavaProcess receive = JavaProcess.start("hukz.tools.Receive", String.valueOf(port), otherKey);
                 JavaProcess publish = JavaProcess.start("hukz.tools.Publish", "-s", TestNats.shared().url(), subject, "{}")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> receive.output().contains("listening on"));
                assertThat(publish.awaitExit(60)).as(publish.output()).isZero();
                await().atMost(Duration.ofSeconds(30)).until(() -> receive.output().contains("signature:"));
                assertThat(receive.output()).contains("signature: INVALID");
            }
        }
    }
}
