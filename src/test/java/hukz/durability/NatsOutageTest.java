package hukz.durability;

import hukz.support.Api;
import hukz.support.CapturedLog;
import hukz.support.NatsPublisher;
import hukz.support.Prometheus;
import hukz.support.Receiver;
import hukz.support.TcpProxy;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** NATS unreachable for 15 s (a proxy between hukz and the server is cut): hukz reconnects, resubscribes, delivers. */
class NatsOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @Test
    void reconnectsResubscribesAndDeliversAfterNatsIsAwayFifteenSeconds() throws Exception {
        int natsPort = URI.create(TestNats.shared().url()).getPort();
        try (TcpProxy proxy = new TcpProxy(natsPort);
             Receiver receiver = new Receiver();
             NatsPublisher nats = NatsPublisher.shared();
             TestHukz hukz = TestHukz.start(Map.of("nats_url", "nats://127.0.0.1:" + proxy.port()))) {
            hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("natsout.created"));
            nats.publish("natsout.created", "{\"n\":0}");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);

            try (CapturedLog log = new CapturedLog()) {
                proxy.cut();
                await().atMost(Duration.ofSeconds(15)).until(() -> notReadyFor(hukz.api, "nats"));
                long end = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < end) {
                    assertThat(notReadyFor(hukz.api, "nats")).as("not ready while NATS is away").isTrue();
                    assertThat(Prometheus.value(hukz.api, "hukz_outage_active{resource=\"nats\"}")).isEqualTo(1.0);
                    assertThat(Prometheus.value(hukz.api, "hukz_consumer_active")).isEqualTo(0.0);
                    TimeUnit.SECONDS.sleep(1); // pacing the checks over the outage, which is the behaviour under test
                }
                proxy.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> hukz.api.send("GET", "/health/ready", null).status() == 200);

                for (int n = 1; n <= 5; n++) {
                    nats.publish("natsout.created", "{\"n\":" + n + "}");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 6);
                assertThat(Prometheus.value(hukz.api, "hukz_outage_active{resource=\"nats\"}")).isEqualTo(0.0);
                assertThat(Prometheus.value(hukz.api, "hukz_consumer_active")).isEqualTo(1.0);
                assertThat(Prometheus.value(hukz.api, "hukz_outages_total{resource=\"nats\"}")).isEqualTo(1.0);
                assertThat(log.containing("nats unreachable")).as("one WARN when it went").hasSize(1);
                assertThat(log.containing("nats is back after")).as("one INFO when it came back").hasSize(1);
                assertThat(log.stackTraces()).isZero();
                assertThat(log.lines()).as("a handful of lines for the whole outage").hasSizeLessThanOrEqualTo(4);
            }
        }
    }

    private static boolean notReadyFor(Api api, String what) {
        Api.Response r = api.send("GET", "/health/ready", null);
        return r.status() == 503 && r.json().path("errors").has(what);
    }
}
