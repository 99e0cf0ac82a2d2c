package hukz.isolation;

import com.fasterxml.jackson.databind.ObjectMapper;
import hukz.policy.FlowControl;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §8: a webhook's deliveries beyond its max_in_flight wait, holding no worker, for its slots, and go out in the
 * order they came. They wait in the webhook's line in memory as rows leased to this instance (so none of them
 * goes back to the database to be claimed again); a graceful stop hands them back to the database, due.
 */
class WaitingForASlotTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MESSAGES = 200;
    static TestHukz hukz;
    static NatsPublisher nats;

    @BeforeAll
    static void start() {
        // attempts that wait on the receiver must not time out while the test looks at the line
        hukz = TestHukz.start(Map.of("delivery_timeout", "10s"));
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        nats.close();
        hukz.close();
    }

    @Test
    void deliveriesBeyondMaxInFlightWaitLeasedAndGoOutInTheOrderTheyCame() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        try (Receiver receiver = new Receiver()) {
            receiver.always(r -> {
                try {
                    open.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Receiver.Answer.ok();
            });
            String subject = FlowKit.subject("line.order");
            long id = hukz.api.createWebhook("{\"name\":\"line\",\"url\":\"" + receiver.url() + "\",\"event_ids\":["
                    + hukz.api.createEvent(subject) + "],\"max_in_flight\":1}").get("id").asLong();
            // enough that the retry poller's ticks (every 100 ms here) serve the line too, beside the refills
            for (int i = 0; i < MESSAGES; i++) {
                nats.publish(subject, "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.count() == 1
                    && FlowKit.metric(hukz, "hukz_deliveries_waiting{reason=\"max_in_flight\"") == MESSAGES - 1);
            String ofWebhook = "FROM deliveries WHERE status = 'pending' AND webhook_id = " + id;
            assertThat(Sql.count(hukz.database(), "SELECT count(*) " + ofWebhook)).isEqualTo(MESSAGES);
            assertThat(Sql.count(hukz.database(), "SELECT count(*) " + ofWebhook + " AND next_attempt_at <= now()"))
                    .as("none waits due in the database: all are leased to this instance").isZero();

            open.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> FlowKit.count(hukz, id, "delivered") == MESSAGES);
            List<Integer> order = receiver.requests().stream().map(r -> n(r.body())).toList();
            // one slot: the next attempt starts only after the one before it answered, so the order is exact (with
            // more slots, attempts start in order but a slow request may arrive after those started behind it)
            assertThat(order).containsExactlyElementsOf(java.util.stream.IntStream.range(0, MESSAGES).boxed().toList());
            assertThat(FlowKit.metric(hukz, "hukz_deliveries_waiting{reason=\"max_in_flight\"")).isZero();
            assertThat(FlowKit.deliveries(hukz, id)).allMatch(d -> d.get("attempt_count").asInt() == 1);
        }
    }

    @Test
    void theLineGoesBackToTheDatabaseDueAsAtAGracefulStop() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        try (Receiver receiver = new Receiver()) {
            receiver.always(r -> {
                try {
                    open.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Receiver.Answer.ok();
            });
            String subject = FlowKit.subject("line.back");
            long id = hukz.api.createWebhook("{\"name\":\"line\",\"url\":\"" + receiver.url() + "\",\"event_ids\":["
                    + hukz.api.createEvent(subject) + "],\"max_in_flight\":1}").get("id").asLong();
            for (int i = 0; i < 10; i++) {
                nats.publish(subject, "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.count() == 1
                    && FlowKit.metric(hukz, "hukz_deliveries_waiting{reason=\"max_in_flight\"") == 9);

            // what DispatchLifecycle does when hukz stops, so that others take them without waiting out the leases
            hukz.bean("flowControl", FlowControl.class).returnLines();
            String due = "SELECT count(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now() AND webhook_id = " + id;
            assertThat(Sql.count(hukz.database(), due)).as("the nine that waited for the one slot").isEqualTo(9);
            assertThat(FlowKit.metric(hukz, "hukz_deliveries_waiting{reason=\"max_in_flight\"")).isZero();

            open.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> FlowKit.count(hukz, id, "delivered") == 10);
            assertThat(receiver.count()).as("each once").isEqualTo(10);
        } finally {
            open.countDown();
        }
    }

    private static int n(String body) {
        try {
            return MAPPER.readTree(body).get("payload").get("n").asInt();
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }
}
