package hukz.durability;

import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** At least once across a crash: SIGKILL hukz with deliveries in flight and waiting to retry, start it again. */
class CrashRecoveryTest {
    private static final int MESSAGES = 400;

    @Test
    void everyMessageIsDeliveredAfterSigkillAndRestart() {
        String database = TestPostgres.newDatabase();
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(database));
        config.put("retry_schedule", "1s,2s,2s,2s,2s");
        config.put("delivery_timeout", "1s");
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            // Slow enough that many attempts are in flight at the kill; every third message fails once,
            // so others wait for a retry.
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            Map<String, Integer> successes = new ConcurrentHashMap<>();
            receiver.always(r -> {
                String id = r.header("webhook-id");
                if (Math.abs(id.hashCode()) % 3 == 0 && failedOnce.add(id)) {
                    return new Receiver.Answer(500, "", Map.of(), Duration.ofMillis(100));
                }
                successes.merge(id, 1, Integer::sum);
                return new Receiver.Answer(200, "", Map.of(), Duration.ofMillis(150));
            });

            HukzProcess first = HukzProcess.start(config);
            long pendingAtKill;
            try {
                long event = first.api.createEvent("crash.test");
                first.api.createWebhook(receiver.url(), event);
                for (int i = 0; i < MESSAGES; i++) {
                    nats.publish("crash.test", "{\"n\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> Sql.count(database, "SELECT count(*) FROM deliveries") == MESSAGES);
                first.kill();
                pendingAtKill = Sql.count(database, "SELECT count(*) FROM deliveries WHERE status = 'pending'");
            } finally {
                first.close();
            }
            assertThat(pendingAtKill).as("deliveries not yet delivered when hukz was killed").isPositive();

            config.put("server_port", String.valueOf(TestNats.freePort()));
            try (HukzProcess second = HukzProcess.start(config)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> successes.size() == MESSAGES);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        Sql.count(database, "SELECT count(*) FROM deliveries WHERE status = 'delivered'") == MESSAGES);
            }
            int duplicates = successes.values().stream().mapToInt(n -> n - 1).sum();
            System.out.printf("crash recovery: %d messages, %d pending at SIGKILL, %d requests received, %d duplicate deliveries%n",
                    MESSAGES, pendingAtKill, receiver.count(), duplicates);
            assertThat(successes).hasSize(MESSAGES);
        }
    }
}
