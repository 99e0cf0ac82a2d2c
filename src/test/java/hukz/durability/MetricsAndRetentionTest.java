package hukz.durability;

import hukz.store.Db;
import hukz.store.DeliveryStore;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Delivery metrics on /metrics follow real traffic; old webhook_logs go after log_retention_days. */
class MetricsAndRetentionTest {
    static TestHukz hukz;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("retry_schedule", "1h"));
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
            for (int i = 0; i < 3; i++) {
                nats.publish("metrics.test", "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> metric("hukz_attempts_total{outcome=\"5xx\"") >= 3
                    && metric("hukz_attempts_total{outcome=\"2xx\"") >= 3);
            assertThat(metric("hukz_messages_consumed_total")).isGreaterThanOrEqualTo(3);
            assertThat(metric("hukz_deliveries_stored_total")).isGreaterThanOrEqualTo(6);
            assertThat(metric("hukz_deliveries_pending")).as("the failed ones wait an hour for their retry").isEqualTo(3);
            assertThat(metric("hukz_oldest_pending_delivery_age_seconds")).isGreaterThan(0);
            assertThat(metric("hukz_attempt_duration_seconds_count")).isGreaterThanOrEqualTo(6);
            assertThat(metric("hukz_nats_slow_consumer_dropped")).isZero();
        }
    }

    @Test
    void retentionDeletesOnlyLogsOlderThanTheConfiguredDays() {
        String db = hukz.database();
        Sql.execute(db, "INSERT INTO webhook_logs (created_at, created_by_id, event, url, webhook_id) VALUES "
                + "(now() - interval '31 days', 1, 'old.one', 'http://x', 1), (now() - interval '29 days', 1, 'recent.one', 'http://x', 1)");
        EmbeddedPostgres pg = TestPostgres.get();
        new DeliveryStore(new Db(pg.getDatabase("postgres", db))).deleteLogsOlderThan(30);
        assertThat(Sql.count(db, "SELECT count(*) FROM webhook_logs WHERE event = 'old.one'")).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM webhook_logs WHERE event = 'recent.one'")).isEqualTo(1);
    }

    private static double metric(String prefix) {
        return hukz.api.get("/metrics").text().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
