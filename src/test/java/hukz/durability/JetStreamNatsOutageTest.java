package hukz.durability;

import hukz.support.Api;
import hukz.support.CapturedLog;
import hukz.support.NatsPublisher;
import hukz.support.Prometheus;
import hukz.support.Receiver;
import hukz.support.TcpProxy;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import io.nats.client.JetStream;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code nats_stream} set, NATS unreachable for 15 s (a proxy between hukz and the server is cut): hukz
 * reconnects, goes on pulling its durable consumer, and delivers every message, those published while it was
 * cut off included.
 */
class JetStreamNatsOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @Test
    void whatIsPublishedBeforeDuringAndAfterTheCutIsDelivered() throws Exception {
        int natsPort = URI.create(TestNats.shared().url()).getPort();
        String stream = "HUKZ_NATS_OUTAGE_" + System.nanoTime();
        try (TcpProxy proxy = new TcpProxy(natsPort);
             Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared()) {
            nats.connection().jetStreamManagement().addStream(StreamConfiguration.builder().name(stream)
                    .subjects("natsoutjs.>").storageType(StorageType.File).build());
            JetStream js = nats.connection().jetStream();
            try (TestHukz hukz = TestHukz.start(Map.of("nats_url", "nats://127.0.0.1:" + proxy.port(),
                    "nats_stream", stream, "nats_subject", "natsoutjs.>"))) {
                hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("natsoutjs.created"));
                publish(js, 0);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);

                try (CapturedLog log = new CapturedLog()) {
                    proxy.cut();
                    await().atMost(Duration.ofSeconds(15)).until(() -> notReadyFor(hukz.api, "nats"));
                    for (int n = 1; n <= 5; n++) {
                        publish(js, n);
                    }
                    long end = System.nanoTime() + OUTAGE.toNanos();
                    while (System.nanoTime() < end) {
                        assertThat(notReadyFor(hukz.api, "nats")).as("not ready while NATS is away").isTrue();
                        assertThat(Prometheus.value(hukz.api, "hukz_outage_active{resource=\"nats\"}")).isEqualTo(1.0);
                        TimeUnit.SECONDS.sleep(1); // pacing the checks over the outage, which is the behaviour under test
                    }
                    assertThat(receiver.count()).as("nothing can be delivered while cut off").isEqualTo(1);
                    proxy.restore();
                    // each forced reconnect of a stuck jnats 2.24 connection comes 30 s after the last: room for several on a busy machine
                    await().atMost(Duration.ofSeconds(150)).until(() -> hukz.api.send("GET", "/health/ready", null).status() == 200);
                    for (int n = 6; n <= 10; n++) {
                        publish(js, n);
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() >= 11);
                    for (int n = 0; n <= 10; n++) {
                        Pattern payload = Pattern.compile("\"n\"\\s*:\\s*" + n + "\\D");
                        assertThat(receiver.requests()).as("message %d delivered", n)
                                .anyMatch(r -> payload.matcher(r.body()).find());
                    }
                    assertThat(Prometheus.value(hukz.api, "hukz_outage_active{resource=\"nats\"}")).isEqualTo(0.0);
                    assertThat(Prometheus.value(hukz.api, "hukz_consumer_active")).isEqualTo(1.0);
                    // One WARN and one INFO for the cut. On a busy machine jnats 2.24 may come back with a connection
                    // that sends nothing (its forced reconnect can too); hukz then reconnects again, each time with its
                    // own line and outage pair, plus one WARN that it is not consuming and one INFO when it is again.
                    int forced = log.containing("reconnecting to NATS").size();
                    assertThat(forced).as("forced reconnects").isLessThanOrEqualTo(5);
                    assertThat(log.containing("nats unreachable")).as("one WARN per outage").hasSize(1 + forced);
                    assertThat(log.containing("nats is back after")).as("one INFO per outage").hasSize(1 + forced);
                    assertThat(log.stackTraces()).isZero();
                    assertThat(log.lines()).as("a handful of lines for the whole outage").hasSizeLessThanOrEqualTo(forced == 0 ? 4 : 4 + 3 * forced);
                }
            }
        }
    }

    /**
     * A connection that jnats reports connected but whose requests never reach the server (one-way loss on the
     * network; jnats 2.24 can also come back from a reconnect in this state): jnats itself would notice only after
     * minutes of unanswered pings, hukz reconnects once its JetStream requests go unanswered.
     */
    @Test
    void reconnectsWhenItsConnectionSendsNothing() throws Exception {
        int natsPort = URI.create(TestNats.shared().url()).getPort();
        String stream = "HUKZ_NATS_ONE_WAY_" + System.nanoTime();
        try (TcpProxy proxy = new TcpProxy(natsPort);
             Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared()) {
            nats.connection().jetStreamManagement().addStream(StreamConfiguration.builder().name(stream)
                    .subjects("natsoneway.>").storageType(StorageType.File).build());
            JetStream js = nats.connection().jetStream();
            try (TestHukz hukz = TestHukz.start(Map.of("nats_url", "nats://127.0.0.1:" + proxy.port(),
                    "nats_stream", stream, "nats_subject", "natsoneway.>"))) {
                hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("natsoneway.created"));
                js.publish("natsoneway.created", "{\"n\":0}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);

                try (CapturedLog log = new CapturedLog()) {
                    proxy.dropFromClients();
                    for (int n = 1; n <= 5; n++) {
                        js.publish("natsoneway.created", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> notReadyFor(hukz.api, "nats"));
                    await().atMost(Duration.ofSeconds(60)).until(() -> log.containing("reconnecting to NATS").size() == 1);
                    // each forced reconnect of a stuck jnats 2.24 connection comes 30 s after the last: room for several on a busy machine
                    await().atMost(Duration.ofSeconds(150)).until(() -> hukz.api.send("GET", "/health/ready", null).status() == 200);
                    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() >= 6);
                    for (int n = 0; n <= 5; n++) {
                        Pattern payload = Pattern.compile("\"n\"\\s*:\\s*" + n + "\\D");
                        assertThat(receiver.requests()).as("message %d delivered", n)
                                .anyMatch(r -> payload.matcher(r.body()).find());
                    }
                    assertThat(Prometheus.value(hukz.api, "hukz_consumer_active")).isEqualTo(1.0);
                    // jnats 2.24's forced reconnect can itself come back sending nothing; hukz tries again 30 s later.
                    int forced = log.containing("reconnecting to NATS").size();
                    assertThat(forced).as("forced reconnects").isBetween(1, 5);
                    assertThat(log.containing("nats unreachable")).as("one WARN per reconnect").hasSize(forced);
                    assertThat(log.containing("nats is back after")).as("one INFO per reconnect").hasSize(forced);
                    assertThat(log.stackTraces()).isZero();
                }
            }
        }
    }

    private static void publish(JetStream js, int n) throws Exception {
        js.publish("natsoutjs.created", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static boolean notReadyFor(Api api, String what) {
        Api.Response r = api.send("GET", "/health/ready", null);
        return r.status() == 503 && r.json().path("errors").has(what);
    }
}
