package hukz.policy;

import hukz.support.Cleanup;
import hukz.support.DispatchKit;
import hukz.support.NatsPublisher;
import hukz.support.Receiver.Answer;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import static hukz.support.DispatchKit.awaitOnlyDelivery;
import static hukz.support.DispatchKit.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a 429 or 503 with Retry-After R the next attempt waits max(step, min(R, 2 x step)), plus up to 10%
 * jitter. The wait is read from what hukz stored (next_attempt_at against the time of the attempt's commit),
 * not from the clock of a busy machine, so ignoring Retry-After (2.0-2.2 s here) cannot pass for honouring it.
 */
class RetryAfterTest {
    /** One step of 2 s: the three cases below give 2 s, 3 s and 4 s, far enough apart to tell them apart. */
    private static final long STEP_MS = 2000;
    /** Times are compared across the test's and PostgreSQL's millisecond and microsecond clocks. */
    private static final long ROUNDING_MS = 5;
    static TestHukz hukz;
    static NatsPublisher nats;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("retry_schedule", STEP_MS + "ms"));
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(nats, hukz);
    }

    @Test
    void retryAfterOn429StretchesTheStep() {
        assertWait(new Answer(429, "", Map.of("Retry-After", "3"), Duration.ZERO), 3000);
    }

    @Test
    void retryAfterOn503IsCappedAtTwiceTheStep() {
        // an hour asked for, 2 x 2 s granted
        assertWait(new Answer(503, "", Map.of("Retry-After", "3600"), Duration.ZERO), 2 * STEP_MS);
    }

    @Test
    void retryAfterAsHttpDateIsHonouredUpToTwiceTheStep() {
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(1));
        assertWait(new Answer(503, "", Map.of("Retry-After", inAMinute), Duration.ZERO), 2 * STEP_MS);
    }

    @Test
    void retryAfterShorterThanTheStepDoesNotShortenIt() {
        assertWait(new Answer(429, "", Map.of("Retry-After", "1"), Duration.ZERO), STEP_MS);
    }

    @Test
    void retryAfterIsIgnoredOnOtherStatuses() {
        assertWait(new Answer(500, "", Map.of("Retry-After", "3"), Duration.ZERO), STEP_MS);
    }

    /** The first answer is {@code first}, the second 200; the stored wait after the first is {@code expectedMs} + jitter. */
    private static void assertWait(Answer first, long expectedMs) {
        try (Receiver receiver = new Receiver()) {
            receiver.then(first);
            String subject = DispatchKit.subject("retry.after");
            long webhook = id(hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(subject)));
            nats.publish(subject, "{}");

            // The state the first attempt's transaction wrote: its log row and the delivery's update share now(),
            // which also tells it apart from the retry poller's later claim of the row.
            String sql = "SELECT round(extract(epoch FROM d.next_attempt_at) * 1000) || ' ' || round(extract(epoch FROM d.updated_at) * 1000) "
                    + "FROM deliveries d JOIN webhook_logs l ON l.delivery_id = d.id AND l.attempt = 1 "
                    + "WHERE d.webhook_id = " + webhook + " AND d.status = 'pending' AND d.attempts = 1 AND d.updated_at = l.created_at";
            await().atMost(DispatchKit.WAIT).until(() -> Sql.query(hukz.database(), sql) != null);
            String[] stored = Sql.query(hukz.database(), sql).split(" ");
            long next = Long.parseLong(stored[0]);
            long committed = Long.parseLong(stored[1]);
            long received = receiver.requests().get(0).receivedAtMillis();
            // hukz counted the wait from an instant after the receiver had the request and before the commit; both
            // bounds hold however busy the machine is
            assertThat(next - received).as("wait counted from after the first attempt").isGreaterThanOrEqualTo(expectedMs - ROUNDING_MS);
            assertThat(next - committed).as("wait at most the step's jitter over").isLessThanOrEqualTo(expectedMs + expectedMs / 10 + ROUNDING_MS);

            awaitOnlyDelivery(hukz, webhook, "delivered");
            var requests = receiver.requests();
            assertThat(requests).hasSize(2);
            assertThat(requests.get(1).receivedAtMillis() - requests.get(0).receivedAtMillis())
                    .as("the second attempt came no earlier than stored").isGreaterThanOrEqualTo(expectedMs - ROUNDING_MS);
        }
    }
}
