package hukz.ingest;

import hukz.support.Cleanup;
import hukz.support.DispatchKit;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static hukz.support.DispatchKit.awaitRequests;
import static hukz.support.DispatchKit.id;
import static hukz.support.DispatchKit.json;
import static hukz.support.DispatchKit.storedDeliveries;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two 24 h windows of the README: a Nats-Msg-Id seen in the last 24 h creates no delivery, and after a
 * secret rotation the old key signs beside the new one for 24 h. Time is moved by shifting the stored
 * timestamps in SQL, not by waiting.
 */
class TwentyFourHourWindowsTest {
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
    void aNatsMsgIdIsRememberedFor24Hours() {
        try (Receiver receiver = new Receiver()) {
            String subject = DispatchKit.subject("window.msgid");
            long webhook = id(hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(subject)));
            String msgId = "window-" + System.nanoTime();

            publish(subject, "{\"n\":1}", msgId);
            awaitRequests(receiver, 1);

            // 23 h later: still a repeat. The follow-up without an id shows the repeat was taken and skipped.
            Sql.execute(hukz.database(), "UPDATE message_ids SET seen_at = now() - interval '23 hours' WHERE message_id = '" + msgId + "'");
            publish(subject, "{\"n\":2}", msgId);
            publish(subject, "{\"n\":3}", null);
            awaitRequests(receiver, 2);
            assertThat(storedDeliveries(hukz, webhook)).isEqualTo(2);

            // 25 h later: a new message
            Sql.execute(hukz.database(), "UPDATE message_ids SET seen_at = now() - interval '25 hours' WHERE message_id = '" + msgId + "'");
            publish(subject, "{\"n\":4}", msgId);
            List<Receiver.Request> requests = awaitRequests(receiver, 3);
            assertThat(requests).extracting(r -> json(r.body()).get("payload").get("n").asInt()).containsExactly(1, 3, 4);
            assertThat(requests.get(2).header("webhook-id")).isEqualTo(msgId);
            assertThat(storedDeliveries(hukz, webhook)).isEqualTo(3);
        }
    }

    @Test
    void afterRotationTheOldKeySignsFor24HoursThenNoLonger() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String subject = DispatchKit.subject("window.rotate");
            long webhook = id(hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(subject)));
            String oldKey = hukz.api.secret(webhook);
            String newKey = hukz.api.post("/webhooks/" + webhook + "/secret/rotate", "").json().get("key").asText();

            // the grace ends 24 h after the rotation (the row's update time)
            double graceHours = Double.parseDouble(Sql.query(hukz.database(),
                    "SELECT extract(epoch FROM previous_secret_until - updated_at) / 3600 FROM webhooks WHERE id = " + webhook));
            assertThat(graceHours).isBetween(23.99, 24.01);

            publish(subject, "{\"n\":1}", null);
            Receiver.Request during = awaitRequests(receiver, 1).get(0);
            String[] signatures = during.header("webhook-signature").split(" ");
            assertThat(signatures).hasSize(2);
            during.verify(newKey);
            new com.standardwebhooks.Webhook(oldKey).verify(during.body(), DispatchKit.withSignature(during, signatures[1]));

            // the grace has run out; the routing table reloads after a change through the API
            Sql.execute(hukz.database(), "UPDATE webhooks SET previous_secret_until = now() - interval '1 second' WHERE id = " + webhook);
            hukz.api.createEvent(subject + ".reload");
            publish(subject, "{\"n\":2}", null);
            Receiver.Request after = awaitRequests(receiver, 2).get(1);
            assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
            after.verify(newKey);
            assertThat(catchVerify(oldKey, after)).as("the old key no longer signs").isNotNull();
        }
    }

    private static Exception catchVerify(String key, Receiver.Request r) {
        try {
            r.verify(key);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private static void publish(String subject, String body, String msgId) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (msgId == null) {
            nats.publish(subject, bytes);
        } else {
            nats.publish(subject, bytes, "Nats-Msg-Id", msgId);
        }
    }
}
