package hukz.isolation;

import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §8: a healthy webhook's deliveries do not depend on other receivers. Ten webhooks whose receivers accept
 * and never answer get 1,000 deliveries; a healthy webhook receiving 100 messages/s beside them keeps its
 * latency (p99 at most max(3 x its p99 alone, 250 ms), the stated bound) and gets every message.
 */
class NoisyNeighbourTest {
    private static final int DEAD = 10;
    private static final int DEAD_MESSAGES = 100;
    private static final int HEALTHY_MESSAGES = 300;
    private static final int MAX_IN_FLIGHT = 16;

    @Test
    void healthyWebhookKeepsItsLatencyBesideTenReceiversThatNeverAnswer() {
        // delivery_timeout 10s: every attempt to a dead receiver really waits that long. Circuits are kept shut
        // (circuit_failures 1000) so the isolation shown is the in-flight limit and the non-blocking client alone.
        Map<String, String> config = Map.of("delivery_timeout", "10s", "circuit_failures", "1000", "retry_schedule", "1h");
        List<SilentReceiver> dead = new ArrayList<>();
        try (TestHukz hukz = TestHukz.start(config); Receiver healthy = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            String healthySubject = FlowKit.subject("neighbour.healthy");
            String deadSubject = FlowKit.subject("neighbour.dead");
            hukz.api.createWebhook(healthy.url(), hukz.api.createEvent(healthySubject));
            long deadEvent = hukz.api.createEvent(deadSubject);
            for (int i = 0; i < DEAD; i++) {
                SilentReceiver r = new SilentReceiver();
                dead.add(r);
                hukz.api.createWebhook(r.url(), deadEvent);
            }

            // warm up (JIT, connections), then measure the healthy webhook alone
            publishPaced(nats, healthySubject, HEALTHY_MESSAGES, 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> healthy.count() == HEALTHY_MESSAGES);
            publishPaced(nats, healthySubject, HEALTHY_MESSAGES, HEALTHY_MESSAGES);
            await().atMost(Duration.ofSeconds(30)).until(() -> healthy.count() == 2 * HEALTHY_MESSAGES);
            List<Long> warm = FlowKit.latencies(healthy);
            long alone = FlowKit.percentile(warm.subList(HEALTHY_MESSAGES, warm.size()), 99);

            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            for (int i = 0; i < DEAD_MESSAGES; i++) {
                nats.publish(deadSubject, "{\"n\":" + i + "}");
            }
            // every dead receiver holds max_in_flight attempts; the rest of the 1,000 wait in the database
            await().atMost(Duration.ofSeconds(5)).until(() -> dead.stream().allMatch(r -> r.accepted() == MAX_IN_FLIGHT));
            assertThat(FlowKit.metric(hukz, "hukz_attempts_in_flight")).isEqualTo(DEAD * MAX_IN_FLIGHT);
            await().atMost(Duration.ofSeconds(5)).until(() -> FlowKit.metric(hukz, "hukz_deliveries_pending") == DEAD * DEAD_MESSAGES);

            publishPaced(nats, healthySubject, HEALTHY_MESSAGES, 2 * HEALTHY_MESSAGES);
            await().atMost(Duration.ofSeconds(30)).until(() -> healthy.count() == 3 * HEALTHY_MESSAGES);
            List<Long> all = FlowKit.latencies(healthy);
            long beside = FlowKit.percentile(all.subList(2 * HEALTHY_MESSAGES, all.size()), 99);
            int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.printf("healthy webhook p99: alone %d ms, beside %d attempts to silent receivers %d ms; threads %d -> %d%n",
                    alone, DEAD * MAX_IN_FLIGHT, beside, threadsBefore, threadsDuring);

            // none of the dead receivers got more than its max_in_flight at once (all are still within one timeout)
            assertThat(dead).allMatch(r -> r.accepted() == MAX_IN_FLIGHT);
            assertThat(beside).as("healthy p99 beside the dead receivers (alone: %d ms)", alone).isLessThanOrEqualTo(Math.max(3 * alone, 250));
            assertThat(threadsDuring - threadsBefore).as("threads started while %d attempts wait on receivers", DEAD * MAX_IN_FLIGHT)
                    .isLessThan(50);
        } finally {
            dead.forEach(SilentReceiver::close);
        }
    }

    /** {@code n} messages at 100 per second, each carrying its publish time. */
    private static void publishPaced(NatsPublisher nats, String subject, int n, int firstIndex) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + TimeUnit.MILLISECONDS.toNanos(10L * i);
            LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
            nats.publish(subject, "{\"n\":" + (firstIndex + i) + ",\"sent\":" + System.currentTimeMillis() + "}");
        }
    }
}
