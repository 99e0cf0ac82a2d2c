package hukz.durability;

import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SIGTERM: hukz stops taking messages and lets attempts in flight finish and be recorded. */
class GracefulShutdownTest {

    @Test
    void sigtermLetsInFlightAttemptsFinishAndRecordsThem() {
        String database = TestPostgres.newDatabase();
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(database));
        config.put("delivery_timeout", "5s");
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            receiver.always(r -> new Receiver.Answer(200, "{\"ok\":true}", Map.of("Content-Type", "application/json"), Duration.ofMillis(1500)));
            try (HukzProcess hukz = HukzProcess.start(config)) {
                long event = hukz.api.createEvent("shutdown.test");
                hukz.api.createWebhook(receiver.url(), event);
                for (int i = 0; i < 3; i++) {
                    nats.publish("shutdown.test", "{\"n\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> receiver.count() == 3);
                long started = System.nanoTime();
                hukz.terminate();
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                assertThat(tookMs).as("stop is bounded by the shutdown timeout").isLessThan(30_000);
                assertThat(hukz.output()).contains("shutdown");
            }
            assertThat(Sql.count(database, "SELECT count(*) FROM deliveries WHERE status = 'delivered'")).isEqualTo(3);
            assertThat(Sql.count(database, "SELECT count(*) FROM webhook_logs WHERE response_status_code = 200")).isEqualTo(3);
        }
    }
}
