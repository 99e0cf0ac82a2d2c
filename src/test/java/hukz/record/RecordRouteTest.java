package hukz.record;

import hukz.support.CapturedLog;
import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TcpProxy;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The record route (routes/record.camel.yaml): attempt outcomes become webhook_logs rows and delivery states in
 * batches, each one statement, and the SQL that does it is the YAML's, read at start.
 */
class RecordRouteTest {
    private static final String LOGGED_COLUMNS = "a.message_id, a.attempt, a.duration_ms, a.error\n"
            + "                  FROM attempt a";

    @Test
    void aLogRowIsWhatTheSqlInTheRouteFileSays() throws Exception {
        Path dir = HukzProcess.workingDirectory();
        Path route = dir.resolve("routes/record.camel.yaml");
        String yaml = Files.readString(route);
        assertThat(yaml).contains(LOGGED_COLUMNS);
        // A user's edit: log a note in the error column of attempts that had no error.
        Files.writeString(route, yaml.replace(LOGGED_COLUMNS, LOGGED_COLUMNS.replace("a.error\n",
                "coalesce(a.error, 'logged by an edited route')\n")));

        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(TestPostgres.newDatabase()));
        String database = config.get("database_name");
        try (Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared();
             HukzProcess hukz = HukzProcess.start(config, dir)) {
            hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("recordsql.created"));
            nats.publish("recordsql.created", "{\"n\":1}");

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Sql.count(database, "SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 1);
            assertThat(Sql.query(database, "SELECT error || '/' || response_status_code FROM webhook_logs"))
                    .isEqualTo("logged by an edited route/200");
            assertThat(hukz.api.get("/webhooks/logs").json().at("/nodes/0/error").asText()).isEqualTo("logged by an edited route");
        }
    }

    @Test
    void aBatchCommitsItsLogRowsAndItsDeliveriesStatesTogether() {
        int messages = 400;
        try (Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared();
             TestHukz hukz = TestHukz.start(Map.of("nats_subject", "recordbatch.>"))) {
            hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("recordbatch.created"));
            for (int n = 0; n < messages; n++) {
                nats.publish("recordbatch.created", "{\"n\":" + n + "}");
            }
            nats.flush();

            // Each check is one statement, so one snapshot: a delivery's state and its log rows are seen together.
            String apart = "SELECT count(*) FROM deliveries d WHERE d.attempts <> "
                    + "(SELECT count(*) FROM webhook_logs l WHERE l.delivery_id = d.id)";
            // Checked at every poll while the outcomes are written (an AssertionError ends the wait at once).
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10)).until(() -> {
                assertThat(Sql.count(hukz.database(), apart)).as("deliveries whose state and log rows differ").isZero();
                return Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE status = 'delivered' AND attempts = 1")
                        == messages;
            });
            assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM webhook_logs")).isEqualTo(messages);
            // the statement triggers' counters (the API's totals) count what the one statement wrote
            assertThat(Sql.count(hukz.database(), "SELECT sum(n) FROM webhook_log_counts WHERE success")).isEqualTo(messages);
            assertThat(Sql.count(hukz.database(), "SELECT sum(n) FROM delivery_counts WHERE status = 'delivered'")).isEqualTo(messages);
            assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM delivery_counts WHERE status <> 'delivered' AND n <> 0")).isZero();
            // now() is the transaction's start: rows that share it were committed by one statement, one batch
            assertThat(Sql.count(hukz.database(), "SELECT count(DISTINCT created_at) FROM webhook_logs"))
                    .as("transactions that wrote %d log rows", messages).isLessThan(messages);
        }
    }

    @Test
    void shuttingDownWhileTheDatabaseIsAwayLeavesTheOutcomeToItsLeaseAndSaysSoOnce() throws Exception {
        try (TcpProxy pg = new TcpProxy(TestPostgres.port());
             Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared()) {
            TestHukz hukz = TestHukz.start(Map.of("database_port", String.valueOf(pg.port()), "nats_subject", "recorddown.>"));
            try (CapturedLog log = new CapturedLog()) {
                receiver.always(r -> new Receiver.Answer(200, "", Map.of(), Duration.ofSeconds(1)));
                hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("recorddown.created"));
                nats.publish("recorddown.created", "{\"n\":1}");
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> receiver.count() == 1);
                // the receiver is answering; the database goes before hukz can record the answer
                pg.cut();
                long delivery = Long.parseLong(Sql.query(hukz.database(), "SELECT id FROM deliveries"));
                AttemptRecorder recorder = hukz.bean("attemptRecorder", AttemptRecorder.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> recorder.awaitsRecording(delivery)
                        && !log.containing("database unreachable").isEmpty());

                hukz.close();

                assertThat(log.containing("shutting down while the database is unreachable: 1 attempt outcome(s) not recorded"))
                        .as("one WARN for what is left to the lease").hasSize(1);
                assertThat(log.stackTraces()).isZero();
            } finally {
                hukz.close();
            }
            assertThat(Sql.query(hukz.database(), "SELECT status || '/' || attempts FROM deliveries"))
                    .as("the delivery waits for its lease, to be attempted again").isEqualTo("pending/0");
            assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM webhook_logs")).isZero();
        }
    }
}
