package hukz.durability;

import hukz.config.Retention;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Delivery metrics on /metrics follow real traffic; old webhook_logs go after log_retention_days. */
class MetricsAndRetentionTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static TestHukz hukz;

    @BeforeAll
    static void start() {
        // retries an hour away, so what failed stays pending; a retention other than the default 30 days
        hukz = TestHukz.start(Map.of("retry_schedule", "1h", "log_retention_days", "10"));
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @Test
    void metricsCountMessagesDeliveriesAndAttemptsByOutcome() {
        try (Receiver ok = new Receiver(); Receiver failing = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            failing.always(r -> Receiver.Answer.status(500));
            long event = hukz.api.createEvent("metrics.test");
            hukz.api.createWebhook(ok.url(), event);
            hukz.api.createWebhook(failing.url(), event);
            // counters and the pending gauge are per instance and other tests here add to them: compare with before
            double consumed = metric("hukz_messages_consumed_total");
            double stored = metric("hukz_deliveries_stored_total");
            double pending = metric("hukz_deliveries_pending");
            double durations = metric("hukz_attempt_duration_seconds_count");
            double fivexx = metricOrZero("hukz_attempts_total", "outcome=\"5xx\"");
            double twoxx = metricOrZero("hukz_attempts_total", "outcome=\"2xx\"");
            for (int i = 0; i < 3; i++) {
                nats.publish("metrics.test", "{\"n\":" + i + "}");
            }
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(metric("hukz_attempts_total", "outcome=\"5xx\"")).isEqualTo(fivexx + 3);
                assertThat(metric("hukz_attempts_total", "outcome=\"2xx\"")).isEqualTo(twoxx + 3);
                assertThat(metric("hukz_deliveries_pending")).as("the failed ones wait an hour for their retry").isEqualTo(pending + 3);
            });
            assertThat(metric("hukz_messages_consumed_total")).isEqualTo(consumed + 3);
            assertThat(metric("hukz_deliveries_stored_total")).isEqualTo(stored + 6);
            assertThat(metric("hukz_oldest_pending_delivery_age_seconds")).isGreaterThan(0);
            assertThat(metric("hukz_attempt_duration_seconds_count")).isEqualTo(durations + 6);
            assertThat(metric("hukz_attempt_duration_seconds_bucket")).as("a histogram, not only a summary").isPositive();
            // nothing fell behind here; the metrics must exist all the same (metric() fails on a missing one)
            assertThat(metric("hukz_nats_slow_consumer_dropped")).isZero();
            assertThat(metric("hukz_messages_dropped_total")).isZero();
        }
    }

    /** timeout, connection_error and other (a redirect, neither 2xx, 4xx nor 5xx); refused is in PrivateAddressGuardTest. */
    @Test
    void attemptsThatGotNoStatusAreCountedByWhatWentWrong() {
        try (Receiver slow = new Receiver(); Receiver redirecting = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            // slower than the test delivery_timeout of 2 s
            slow.always(r -> new Receiver.Answer(200, "", Map.of(), Duration.ofSeconds(4)));
            redirecting.always(r -> new Receiver.Answer(302, "", Map.of("Location", redirecting.url("/elsewhere")), Duration.ZERO));
            long event = hukz.api.createEvent("metrics.outcomes");
            hukz.api.createWebhook(slow.url(), event);
            hukz.api.createWebhook(redirecting.url(), event);
            // nothing listens on a port that was just free
            hukz.api.createWebhook("http://127.0.0.1:" + TestNats.freePort() + "/hook", event);
            double timeouts = metricOrZero("hukz_attempts_total", "outcome=\"timeout\"");
            double connectionErrors = metricOrZero("hukz_attempts_total", "outcome=\"connection_error\"");
            double others = metricOrZero("hukz_attempts_total", "outcome=\"other\"");

            nats.publish("metrics.outcomes", "{}");

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(metricOrZero("hukz_attempts_total", "outcome=\"timeout\"")).isEqualTo(timeouts + 1);
                assertThat(metricOrZero("hukz_attempts_total", "outcome=\"connection_error\"")).isEqualTo(connectionErrors + 1);
                assertThat(metricOrZero("hukz_attempts_total", "outcome=\"other\"")).isEqualTo(others + 1);
            });
        }
    }

    /**
     * The retention bean the hourly route calls, as bound at start: it must take log_retention_days (10 here,
     * not the default 30) from the configuration.
     */
    @Test
    void retentionDeletesOnlyLogsOlderThanTheConfiguredDays() {
        String db = hukz.database();
        Sql.execute(db, "INSERT INTO webhook_logs (created_at, created_by_id, event, url, webhook_id) VALUES "
                + "(now() - interval '11 days', 1, 'old.one', 'http://x', 1), (now() - interval '9 days', 1, 'recent.one', 'http://x', 1)");

        hukz.bean("retention", Retention.class).run();

        assertThat(Sql.count(db, "SELECT count(*) FROM webhook_logs WHERE event = 'old.one'")).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM webhook_logs WHERE event = 'recent.one'")).isEqualTo(1);
    }

    @Test
    void retentionRunsHourlyFromItsRoute() {
        String uri = hukz.camel().getRoute("retention").getEndpoint().getEndpointUri();
        assertThat(uri).startsWith("timer://retention").contains("period=3600000");
        assertThat(hukz.camel().getRouteController().getRouteStatus("retention").isStarted()).isTrue();
    }

    /** The sum of the samples of {@code name} whose labels contain every fragment; fails when there is none. */
    private static double metric(String name, String... labelFragments) {
        List<Double> values = samples(name, labelFragments);
        assertThat(values).as("samples of %s %s on /metrics", name, List.of(labelFragments)).isNotEmpty();
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** For counters that only appear once something was counted. */
    private static double metricOrZero(String name, String... labelFragments) {
        return samples(name, labelFragments).stream().mapToDouble(Double::doubleValue).sum();
    }

    private static List<Double> samples(String name, String... labelFragments) {
        return hukz.api.get("/metrics").text().lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .filter(l -> List.of(labelFragments).stream().allMatch(l::contains))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .toList();
    }
}
