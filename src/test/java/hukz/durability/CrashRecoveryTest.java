package hukz.durability;

import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At least once across a crash: SIGKILL hukz with deliveries in flight and waiting to retry, start it again.
 * The deliveries it held (leased, not yet recorded) are taken up once their lease has run out; anything
 * sent twice is one of them; every logged attempt is one the receiver saw.
 */
class CrashRecoveryTest {
    private static final int MESSAGES = 400;

    @Test
    void everyMessageIsDeliveredAfterSigkillAndRestart() throws SQLException {
        String database = TestPostgres.newDatabase();
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(database));
        config.put("retry_schedule", "1s,2s,2s,2s,2s");
        config.put("delivery_timeout", "1s");
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            // Slow enough that many attempts are in flight at the kill; every third message fails once,
            // so others wait for a retry.
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            Map<String, Integer> successes = new ConcurrentHashMap<>();
            Map<String, Integer> requests = new ConcurrentHashMap<>();
            receiver.always(r -> {
                String id = r.header("webhook-id");
                requests.merge(id, 1, Integer::sum);
                if (Math.abs(id.hashCode()) % 3 == 0 && failedOnce.add(id)) {
                    return new Receiver.Answer(500, "", Map.of(), Duration.ofMillis(100));
                }
                successes.merge(id, 1, Integer::sum);
                return new Receiver.Answer(200, "", Map.of(), Duration.ofMillis(150));
            });

            Map<String, Instant> leasedAtKill;
            Set<String> pendingAtKill;
            try (HukzProcess first = HukzProcess.start(config)) {
                long event = first.api.createEvent("crash.test");
                first.api.createWebhook(receiver.url(), event);
                for (int i = 0; i < MESSAGES; i++) {
                    nats.publish("crash.test", "{\"n\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> Sql.count(database, "SELECT count(*) FROM deliveries") == MESSAGES);
                first.kill();
                // stored and handed to a worker, no attempt recorded: held by the dead process until its lease ends
                leasedAtKill = leaseEnds(database);
                pendingAtKill = messageIds(database, "SELECT message_id FROM deliveries WHERE status = 'pending'");
            }
            assertThat(leasedAtKill).as("deliveries leased and not yet attempted when hukz was killed").isNotEmpty();
            // a delivery is leased when it is handed to a worker: at ingest (lease counted from the message's arrival)
            // or later, when a freed slot or the retry poller takes it (counted from then, so longer from arrival);
            // deliveries waiting in the database for a slot (max_in_flight) hold no lease
            java.util.List<double[]> leases = leaseLengthsSeconds(database);
            assertThat(leases).as("lease from arrival, lease left at the kill").allSatisfy(l -> {
                assertThat(l[0]).as("lease from arrival").isGreaterThanOrEqualTo(6.99);
                assertThat(l[1]).as("lease left after the kill").isLessThanOrEqualTo(7.01);
            });
            assertThat(leases.stream().mapToDouble(l -> l[0]).min().orElseThrow())
                    .as("lease = 2 x delivery_timeout (1 s) + 5 s, from the message's arrival").isBetween(6.99, 7.01);

            config.put("server_port", String.valueOf(TestNats.freePort()));
            try (HukzProcess second = HukzProcess.start(config)) {
                await().atMost(Duration.ofSeconds(120)).until(() ->
                        Sql.count(database, "SELECT count(*) FROM deliveries WHERE status = 'delivered'") == MESSAGES);
            }
            assertThat(successes).hasSize(MESSAGES);

            // a leased delivery is taken up again only once its lease has run out
            Map<String, Instant> firstRecorded = firstLoggedAttempt(database);
            leasedAtKill.forEach((messageId, leaseEnd) ->
                    assertThat(firstRecorded.get(messageId)).as("first recorded attempt of leased %s", messageId).isAfterOrEqualTo(leaseEnd));

            Set<String> duplicates = ConcurrentHashMap.newKeySet();
            successes.forEach((id, n) -> {
                if (n > 1) {
                    duplicates.add(id);
                }
            });
            System.out.printf("crash recovery: %d messages, %d leased and %d pending at SIGKILL, %d requests, %d duplicates%n",
                    MESSAGES, leasedAtKill.size(), pendingAtKill.size(), receiver.count(), duplicates.size());
            assertThat(pendingAtKill).as("only a delivery still pending at the kill can have been sent twice").containsAll(duplicates);
            assertThat(successes.values()).as("at most one repeat per delivery").allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));

            // every logged attempt is one the receiver saw; the ones it saw without a log row died with the process
            Map<String, Long> logged = logsPerMessage(database);
            long unlogged = 0;
            for (Map.Entry<String, Integer> e : requests.entrySet()) {
                long rows = logged.getOrDefault(e.getKey(), 0L);
                assertThat(rows).as("log rows of %s against requests received", e.getKey()).isLessThanOrEqualTo(e.getValue());
                if (rows < e.getValue()) {
                    assertThat(pendingAtKill).as("an attempt without a log row belongs to a delivery pending at the kill").contains(e.getKey());
                    unlogged += e.getValue() - rows;
                }
            }
            assertThat(logged.keySet()).isEqualTo(requests.keySet());
            assertThat(unlogged).as("attempts lost with the process").isLessThanOrEqualTo(pendingAtKill.size());
            assertThat(Sql.count(database, "SELECT count(*) FROM webhook_logs")).isEqualTo(receiver.count() - unlogged);
        }
    }

    private static Map<String, Instant> leaseEnds(String database) throws SQLException {
        Map<String, Instant> ends = new HashMap<>();
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT message_id, next_attempt_at FROM deliveries WHERE status = 'pending' AND attempts = 0 AND next_attempt_at > now()")) {
            while (rs.next()) {
                ends.put(rs.getString(1), rs.getTimestamp(2).toInstant());
            }
        }
        return ends;
    }

    /** Of each delivery leased at the kill: its lease's end from the message's arrival, and from now. */
    private static java.util.List<double[]> leaseLengthsSeconds(String database) throws SQLException {
        java.util.List<double[]> lengths = new java.util.ArrayList<>();
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement();
             // the envelope's created_at is the instant the lease was counted from (the row's own created_at is the
             // later commit, later by however long a busy machine took)
             ResultSet rs = st.executeQuery("SELECT extract(epoch FROM next_attempt_at - (payload::json->>'created_at')::timestamptz), "
                     + "extract(epoch FROM next_attempt_at - now()) "
                     + "FROM deliveries WHERE status = 'pending' AND attempts = 0 AND next_attempt_at > now()")) {
            while (rs.next()) {
                lengths.add(new double[]{rs.getDouble(1), rs.getDouble(2)});
            }
        }
        return lengths;
    }

    private static Map<String, Instant> firstLoggedAttempt(String database) throws SQLException {
        Map<String, Instant> first = new HashMap<>();
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT message_id, min(created_at) FROM webhook_logs GROUP BY message_id")) {
            while (rs.next()) {
                first.put(rs.getString(1), rs.getTimestamp(2).toInstant());
            }
        }
        return first;
    }

    private static Map<String, Long> logsPerMessage(String database) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT message_id, count(*) FROM webhook_logs GROUP BY message_id")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private static Set<String> messageIds(String database, String sql) throws SQLException {
        Set<String> ids = new java.util.HashSet<>();
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
