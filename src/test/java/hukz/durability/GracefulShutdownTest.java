package hukz.durability;

import hukz.support.Api;
import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Prometheus;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TcpProxy;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import hukz.support.TestPostgres;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM: hukz stops taking messages, lets the attempts in flight finish and records them, exits, and
 * leaves what waits for a retry pending in the database; the next start sends it.
 */
class GracefulShutdownTest {
    private static final int IN_FLIGHT = 3;
    private static final int AFTER = 10;
    private static final String STOPPED_TAKING = "stopped taking messages";
    private static final int TAKEN = 200;
    private static final String NOT_STORED = "were not stored";

    @Test
    void sigtermStopsConsumptionFinishesAttemptsInFlightAndLeavesTheRestForTheNextStart() throws InterruptedException {
        String database = TestPostgres.newDatabase();
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(database));
        config.put("delivery_timeout", "6s");
        // The failed delivery is due again 15 s after its first attempt: long after this shutdown (about 3 s,
        // the attempts in flight) has ended, so it is still pending when the process exits.
        config.put("retry_schedule", "15s");
        try (Receiver slow = new Receiver(); Receiver failingOnce = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            slow.always(r -> new Receiver.Answer(200, "{\"ok\":true}", Map.of("Content-Type", "application/json"), Duration.ofSeconds(3)));
            AtomicBoolean failed = new AtomicBoolean();
            failingOnce.always(r -> failed.getAndSet(true) ? Receiver.Answer.ok() : Receiver.Answer.status(500));
            long retried;
            try (HukzProcess hukz = HukzProcess.start(config)) {
                hukz.api.createWebhook(failingOnce.url(), hukz.api.createEvent("shutdown.retry"));
                hukz.api.createWebhook(slow.url(), hukz.api.createEvent("shutdown.slow"));
                nats.publish("shutdown.retry", "{\"waits\":\"for a retry\"}");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        Sql.count(database, "SELECT count(*) FROM deliveries WHERE status = 'pending' AND attempts = 1") == 1);
                retried = Long.parseLong(Sql.query(database, "SELECT id FROM deliveries WHERE attempts = 1"));
                for (int i = 0; i < IN_FLIGHT; i++) {
                    nats.publish("shutdown.slow", "{\"n\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> slow.count() == IN_FLIGHT);
                Subscription otherMember = nats.connection().subscribe("shutdown.slow", config.get("queue_group"));

                hukz.signalTerm();
                await().atMost(Duration.ofSeconds(30)).until(() -> hukz.output().contains(STOPPED_TAKING) || !hukz.isAlive());
                // the 3 s attempts are still in flight, so the process is still running: it unsubscribed first,
                // so NATS hands every message to the other member of the queue group, here the test itself
                assertThat(hukz.isAlive()).as("still finishing its attempts after it stopped taking messages").isTrue();
                for (int i = 0; i < AFTER; i++) {
                    nats.publish("shutdown.slow", "{\"after\":\"sigterm\"}");
                }
                for (int i = 0; i < AFTER; i++) {
                    assertThat(otherMember.nextMessage(Duration.ofSeconds(10))).as("message %d after SIGTERM, handed to the other member", i).isNotNull();
                }
                hukz.awaitExit();

                // Runtime.exit is not called on a clean stop, so the JVM ends as signalled: 128 + SIGTERM (15)
                assertThat(hukz.exitCode()).as("exit code after SIGTERM\n%s", hukz.output()).isEqualTo(143);
            }

            assertThat(Sql.count(database, "SELECT count(*) FROM deliveries WHERE payload::text LIKE '%sigterm%'"))
                    .as("a message published after consumption stopped is not taken").isZero();
            assertThat(Sql.count(database, "SELECT count(*) FROM deliveries WHERE status = 'delivered' AND event = 'shutdown.slow'"))
                    .as("the attempts in flight finished and were recorded").isEqualTo(IN_FLIGHT);
            assertThat(Sql.count(database, "SELECT count(*) FROM webhook_logs WHERE response_status_code = 200")).isEqualTo(IN_FLIGHT);
            assertThat(Sql.query(database, "SELECT status || '/' || attempts FROM deliveries WHERE id = " + retried))
                    .as("the delivery waiting for its retry is left pending").isEqualTo("pending/1");
            assertThat(failingOnce.count()).isEqualTo(1);

            config.put("server_port", String.valueOf(TestNats.freePort()));
            try (HukzProcess again = HukzProcess.start(config)) {
                await().atMost(Duration.ofSeconds(90)).until(() ->
                        "delivered/2".equals(Sql.query(database, "SELECT status || '/' || attempts FROM deliveries WHERE id = " + retried)));
            }
            assertThat(failingOnce.count()).as("sent again by the next start").isEqualTo(2);
            assertThat(slow.count()).as("nothing in flight at SIGTERM was sent again").isEqualTo(IN_FLIGHT);
            assertThat(Sql.count(database, "SELECT count(*) FROM deliveries WHERE payload::text LIKE '%sigterm%'")).isZero();
        }
    }

    /**
     * What hukz has taken from NATS when SIGTERM comes is stored before it exits, what still waits in its ingest
     * queue included. The deliveries table is locked while the messages come, so the first one is held up in the
     * database and the others wait in the queue behind it; the lock is let go once hukz has unsubscribed.
     */
    @Test
    void messagesWaitingInTheIngestQueueAtSigtermAreStoredBeforeItExits() throws Exception {
        String database = TestPostgres.newDatabase();
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(database));
        config.put("nats_subject", "drain.>");
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared();
             HukzProcess hukz = HukzProcess.start(config)) {
            hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("drain.taken"));
            try (Connection lock = TestPostgres.connect(database)) {
                lock.setAutoCommit(false);
                try (Statement st = lock.createStatement()) {
                    st.execute("LOCK TABLE deliveries IN SHARE ROW EXCLUSIVE MODE");
                }
                nats.publish("drain.taken", "{\"n\":0}");
                await().atMost(Duration.ofSeconds(30)).until(() -> buffered(hukz.api) == 1);
                for (int i = 1; i < TAKEN; i++) {
                    nats.publish("drain.taken", "{\"n\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> buffered(hukz.api) == TAKEN);

                hukz.signalTerm();
                await().atMost(Duration.ofSeconds(30)).until(() -> hukz.output().contains("Stopped ingest-nats"));
                assertThat(hukz.output()).as("still storing what it took").doesNotContain(STOPPED_TAKING);
                lock.rollback();
            }
            hukz.awaitExit();
            assertThat(hukz.exitCode()).as("exit code after SIGTERM\n%s", hukz.output()).isEqualTo(143);
            assertThat(Sql.count(database, "SELECT count(*) FROM deliveries")).as("every message taken is stored").isEqualTo(TAKEN);
            assertThat(hukz.output()).contains(STOPPED_TAKING).doesNotContain(NOT_STORED);
        }
    }

    /**
     * SIGTERM while PostgreSQL is unreachable: hukz does not wait for it; what it took and could not store is given
     * up with one WARN that says how much (core NATS messages are lost, JetStream redelivers its own).
     */
    @Test
    void sigtermWhileTheDatabaseIsAwayGivesUpWhatWasTakenWithOneWarning() throws Exception {
        String database = TestPostgres.newDatabase();
        try (TcpProxy pg = new TcpProxy(TestPostgres.port()); Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared()) {
            Map<String, String> config = new HashMap<>(TestHukz.baseConfig(database));
            config.put("nats_subject", "giveup.>");
            config.put("database_port", String.valueOf(pg.port()));
            try (HukzProcess hukz = HukzProcess.start(config)) {
                hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("giveup.taken"));
                pg.cut();
                await().atMost(Duration.ofSeconds(30)).until(() -> hukz.api.send("GET", "/health/ready", null).status() == 503);
                for (int i = 0; i < 20; i++) {
                    nats.publish("giveup.taken", "{\"n\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> buffered(hukz.api) == 20);

                hukz.signalTerm();
                hukz.awaitExit();
                assertThat(hukz.exitCode()).as("exit code after SIGTERM\n%s", hukz.output()).isEqualTo(143);
                assertThat(hukz.output().lines().filter(l -> l.contains(NOT_STORED)).toList()).as(hukz.output())
                        .singleElement().asString().contains("WARN").contains("database is unreachable").contains("20 message(s)");
                // (the PostgreSQL driver reports the cut itself with a stack trace of its own, before SIGTERM)
                String shutdown = hukz.output().substring(hukz.output().indexOf("is shutting down"));
                assertThat(shutdown.lines().filter(l -> l.startsWith("\tat ")).count()).as("no stack traces at shutdown\n%s", shutdown).isZero();
            }
            pg.restore();
            assertThat(Sql.count(database, "SELECT count(*) FROM deliveries")).isZero();
        }
    }

    private static double buffered(Api api) {
        return Prometheus.value(api, "hukz_ingest_buffered_messages");
    }
}
