package hukz.durability;

import hukz.support.Api;
import hukz.support.CapturedLog;
import hukz.support.NatsPublisher;
import hukz.support.Prometheus;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TcpProxy;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL unreachable for two minutes (a proxy between hukz and it is cut) under steady traffic: nothing hukz
 * has taken is lost. Two instances share the outage, one on core NATS and one on JetStream, so that one
 * two-minute cut covers both modes.
 */
class DatabaseOutageTest {
    private static final Duration OUTAGE = Duration.ofMinutes(2);
    private static final Pattern N = Pattern.compile("\"n\":(\\d+)");
    private static final String STREAM = "HUKZ_PG_OUTAGE";

    @Test
    void everyMessageTakenDuringATwoMinuteOutageIsDeliveredWhenPostgresReturns() throws Exception {
        try (TcpProxy pg = new TcpProxy(TestPostgres.port());
             Receiver coreReceiver = new Receiver();
             Receiver streamReceiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared()) {
            JetStreamManagement jsm = nats.connection().jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(STREAM).subjects("pgout.js.>").storageType(StorageType.File).build());
            JetStream js = nats.connection().jetStream();
            String port = String.valueOf(pg.port());
            try (TestHukz core = TestHukz.start(Map.of("database_port", port));
                 TestHukz stream = TestHukz.start(Map.of("database_port", port, "nats_stream", STREAM, "nats_subject", "pgout.js.>"))) {
                core.api.createWebhook(coreReceiver.url(), core.api.createEvent("pgout.core"));
                stream.api.createWebhook(streamReceiver.url(), stream.api.createEvent("pgout.js.created"));
                String durable = stream.config().queueGroup();

                // Steady traffic, 8 messages a second to each, before, during and after the outage.
                AtomicInteger published = new AtomicInteger();
                ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
                publisher.scheduleAtFixedRate(() -> {
                    int n = published.get();
                    byte[] body = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
                    try {
                        nats.connection().publish("pgout.core", body);
                        js.publish("pgout.js.created", body);
                        published.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, 0, 125, TimeUnit.MILLISECONDS);
                await().atMost(Duration.ofSeconds(30)).until(() -> coreReceiver.count() >= 10 && streamReceiver.count() >= 10);

                List<String> during = new ArrayList<>();
                try (CapturedLog log = new CapturedLog()) {
                    pg.cut();
                    int atCut = published.get();
                    await().atMost(Duration.ofSeconds(30)).until(() -> notReadyFor(core.api, "database") && notReadyFor(stream.api, "database"));

                    // For the whole outage: not ready, the core messages wait in memory, no JetStream message acked unstored.
                    long end = System.nanoTime() + OUTAGE.toNanos();
                    double mostBuffered = 0;
                    while (System.nanoTime() < end) {
                        assertThat(notReadyFor(core.api, "database")).as("core hukz not ready while PostgreSQL is away").isTrue();
                        assertThat(notReadyFor(stream.api, "database")).as("JetStream hukz not ready while PostgreSQL is away").isTrue();
                        assertAckedOnlyWhatIsStored(jsm, durable, stream.database());
                        mostBuffered = Math.max(mostBuffered, Prometheus.value(core.api, "hukz_ingest_buffered_messages"));
                        assertThat(Prometheus.value(core.api, "hukz_outage_active{resource=\"database\"}")).isEqualTo(1.0);
                        TimeUnit.SECONDS.sleep(2); // pacing the checks over the outage, which is the behaviour under test
                    }
                    assertThat(published.get() - atCut).as("messages published during the outage").isGreaterThan(600);
                    assertThat(mostBuffered).as("core messages waiting in memory").isGreaterThan(100);

                    pg.restore();
                    publisher.shutdown();
                    assertThat(publisher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                    int total = published.get();

                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        assertThat(numbersReceived(coreReceiver)).as("core NATS messages delivered").isEqualTo(all(total));
                        assertThat(numbersReceived(streamReceiver)).as("JetStream messages delivered").isEqualTo(all(total));
                    });
                    await().atMost(Duration.ofSeconds(30)).until(() -> ready(core.api) && ready(stream.api));
                    assertAckedOnlyWhatIsStored(jsm, durable, stream.database());
                    assertThat(Sql.query(core.database(), "SELECT string_agg((payload::json->'payload'->>'n'), ',' ORDER BY id) FROM deliveries"))
                            .as("core messages stored in the order they came").isEqualTo(IntStream.range(0, total)
                                    .mapToObj(String::valueOf).collect(Collectors.joining(",")));
                    during.addAll(log.lines());
                    assertThat(log.containing("database unreachable")).as("one WARN per instance when it went").hasSize(2);
                    assertThat(log.containing("database is back after")).as("one INFO per instance when it came back").hasSize(2);
                    assertThat(log.stackTraces()).as("no stack traces for an outage").isZero();
                }
                assertThat(during).as("a handful of lines for the whole outage, two instances").hasSizeLessThanOrEqualTo(8);
                assertThat(Prometheus.value(core.api, "hukz_messages_dropped_total")).isZero();
            }
        }
    }

    @Test
    void aFullBufferDropsWhatDoesNotFitCountsItAndSaysSoOnce() throws Exception {
        try (TcpProxy pg = new TcpProxy(TestPostgres.port());
             Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared();
             TestHukz hukz = TestHukz.start(Map.of("database_port", String.valueOf(pg.port()), "ingest_buffer", "20",
                     "nats_subject", "fullbuf.>"))) {
            hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("fullbuf.created"));
            try (CapturedLog log = new CapturedLog()) {
                pg.cut();
                await().atMost(Duration.ofSeconds(30)).until(() -> notReadyFor(hukz.api, "database"));
                for (int n = 0; n < 200; n++) {
                    nats.publish("fullbuf.created", "{\"n\":" + n + "}");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> Prometheus.value(hukz.api, "hukz_messages_dropped_total") >= 150);
                pg.restore();
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        receiver.count() + Prometheus.value(hukz.api, "hukz_messages_dropped_total") == 200);
                assertThat(receiver.count()).as("what fitted in the buffer is delivered").isGreaterThanOrEqualTo(20);
                assertThat(log.containing("ingest buffer full")).as("drops are reported at most once a minute").hasSize(1);
                assertThat(log.stackTraces()).isZero();
            }
        }
    }

    @Test
    void anAttemptMadeWhilePostgresIsAwayIsRecordedWhenItReturnsAndNotMadeAgain() throws Exception {
        try (TcpProxy pg = new TcpProxy(TestPostgres.port());
             Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared();
             TestHukz hukz = TestHukz.start(Map.of("database_port", String.valueOf(pg.port()), "nats_subject", "inflight.>"))) {
            receiver.always(r -> new Receiver.Answer(200, "", Map.of(), Duration.ofSeconds(1)));
            hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("inflight.created"));
            nats.publish("inflight.created", "{\"n\":1}");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> receiver.count() == 1);

            // The receiver is answering; the database goes away before hukz can record its answer, for longer than
            // the delivery's lease (2 x delivery_timeout + 5 s = 9 s here).
            pg.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> notReadyFor(hukz.api, "database"));
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < end) {
                assertThat(notReadyFor(hukz.api, "database")).isTrue();
                TimeUnit.SECONDS.sleep(1); // pacing the checks over the outage, which is the behaviour under test
            }
            pg.restore();

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE status = 'delivered' AND attempts = 1") == 1);
            assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM webhook_logs WHERE response_status_code = 200 AND attempt = 1"))
                    .as("the attempt made during the outage is logged").isEqualTo(1);
            assertThat(receiver.count()).as("its delivery was not attempted again").isEqualTo(1);
        }
    }

    /** A message acked is one stored: the consumer's ack floor never passes the deliveries in the database. */
    private static void assertAckedOnlyWhatIsStored(JetStreamManagement jsm, String durable, String database) throws Exception {
        long ackFloor = jsm.getConsumerInfo(STREAM, durable).getAckFloor().getStreamSequence();
        long stored = Sql.count(database, "SELECT count(DISTINCT message_id) FROM deliveries");
        assertThat(ackFloor).as("acked stream sequence vs messages stored").isLessThanOrEqualTo(stored);
    }

    private static boolean notReadyFor(Api api, String what) {
        Api.Response r = api.send("GET", "/health/ready", null);
        return r.status() == 503 && r.json().path("errors").has(what);
    }

    private static boolean ready(Api api) {
        return api.send("GET", "/health/ready", null).status() == 200;
    }

    private static Set<Integer> numbersReceived(Receiver receiver) {
        Set<Integer> numbers = new TreeSet<>();
        for (Receiver.Request r : receiver.requests()) {
            Matcher m = N.matcher(r.body());
            if (m.find()) {
                numbers.add(Integer.parseInt(m.group(1)));
            }
        }
        return numbers;
    }

    private static Set<Integer> all(int total) {
        return IntStream.range(0, total).boxed().collect(Collectors.toCollection(TreeSet::new));
    }
}
