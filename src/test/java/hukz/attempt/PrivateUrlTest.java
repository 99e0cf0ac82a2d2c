package hukz.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Cleanup;
import hukz.support.DispatchKit;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static hukz.support.DispatchKit.awaitOnlyDelivery;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §7: with private URLs not allowed, an attempt to a private address is refused after DNS resolution:
 * nothing is sent, the log row has status 0 and the reason. The webhooks are written straight into the
 * database, as if their host had resolved to a public address when they were created.
 */
class PrivateUrlTest {
    static TestHukz hukz;
    static NatsPublisher nats;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("allow_private_urls", "false"));
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(nats, hukz);
    }

    private static long insertWebhook(String url, long eventId) {
        String id = Sql.query(hukz.database(), "INSERT INTO webhooks (created_by_id, updated_by_id, name, url, secret) VALUES (1, 1, 'p', '"
                + url + "', '" + Signer.newSecret() + "') RETURNING id");
        Sql.execute(hukz.database(), "INSERT INTO webhook_events (webhook_id, event_id) VALUES (" + id + ", " + eventId + ")");
        return Long.parseLong(id);
    }

    @Test
    void attemptToALoopbackAddressSendsNothingAndLogsTheReason() {
        try (Receiver receiver = new Receiver()) {
            String s = DispatchKit.subject("private");
            long event = hukz.api.createEvent(s);
            long byAddress = insertWebhook(receiver.url(), event);
            long byName = insertWebhook(receiver.url().replace("127.0.0.1", "localhost"), event);

            nats.publish(s, "{}");

            for (long webhook : new long[]{byAddress, byName}) {
                JsonNode delivery = awaitOnlyDelivery(hukz, webhook, "failed");
                assertThat(delivery.get("attempts")).isNotEmpty().allSatisfy(a -> {
                    assertThat(a.get("response_status_code").asInt()).isZero();
                    assertThat(a.get("error").asText()).startsWith("refused").contains("loopback");
                });
            }
            assertThat(receiver.count()).isZero();
        }
    }
}
