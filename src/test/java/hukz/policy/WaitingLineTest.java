package hukz.policy;

import hukz.attempt.DeliveryTask;
import hukz.store.Delivery;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory line of deliveries waiting for a free slot: order, bounds, and leases too short for an attempt. */
class WaitingLineTest {
    private static final Instant NOW = Instant.parse("2026-11-30T01:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration BUDGET = Duration.ofSeconds(13);

    private static DeliveryTask task(long id, Instant leaseEnd, String payload) {
        return new DeliveryTask(new Delivery(id, NOW, NOW, 7, "msg_" + id, "e", payload, Delivery.PENDING, 0, leaseEnd, null, null),
                null);
    }

    private static DeliveryTask task(long id) {
        return task(id, NOW.plusSeconds(25), "{}");
    }

    private static List<Long> ids(List<DeliveryTask> tasks) {
        return tasks.stream().map(t -> t.delivery().id()).toList();
    }

    @Test
    void aWebhooksDeliveriesLeaveInTheOrderTheyCame() {
        WaitingLine line = new WaitingLine(100, 1_000, BUDGET, CLOCK);
        assertThat(line.join(7, List.of(task(1), task(2), task(3)))).isEqualTo(3);
        assertThat(line.join(7, List.of(task(4)))).isEqualTo(1);
        assertThat(line.join(8, List.of(task(10)))).isEqualTo(1);
        assertThat(ids(line.take(7, 2))).containsExactly(1L, 2L);
        assertThat(ids(line.take(7, 5))).containsExactly(3L, 4L);
        assertThat(line.has(7)).isFalse();
        assertThat(line.webhooks()).containsExactly(8L);
        assertThat(line.take(7, 1)).isEmpty();
        assertThat(line.size()).isEqualTo(1);
    }

    @Test
    void itTakesNoMoreThanItsDeliveriesAndPayloadAllow() {
        WaitingLine byCount = new WaitingLine(3, 1_000, BUDGET, CLOCK);
        assertThat(byCount.join(7, List.of(task(1), task(2), task(3), task(4), task(5)))).as("the first three, in order").isEqualTo(3);
        assertThat(byCount.room()).isZero();
        assertThat(ids(byCount.take(7, 10))).containsExactly(1L, 2L, 3L);
        assertThat(byCount.room()).isEqualTo(3);

        WaitingLine byPayload = new WaitingLine(100, 10, BUDGET, CLOCK);
        DeliveryTask big = task(1, NOW.plusSeconds(25), "0123456");
        assertThat(byPayload.join(7, List.of(big, task(2, NOW.plusSeconds(25), "0123")))).as("7 + 4 characters is over 10").isEqualTo(1);
        assertThat(byPayload.join(8, List.of(task(3, NOW.plusSeconds(25), "012")))).isEqualTo(1);
        assertThat(byPayload.room()).as("full to the character").isZero();
        byPayload.take(7, 1);
        assertThat(byPayload.room()).isEqualTo(99);
    }

    @Test
    void aDeliveryWhoseLeaseHasNoRoomForAnAttemptIsDroppedNotTaken() {
        WaitingLine line = new WaitingLine(100, 1_000, BUDGET, CLOCK);
        line.join(7, List.of(task(1, NOW.plusSeconds(13), "{}"), task(2, NOW.plusSeconds(14), "{}"),
                task(3, NOW.minusSeconds(1), "{}"), task(4, NOW.plusSeconds(30), "{}")));
        assertThat(ids(line.take(7, 1))).as("1 has exactly the budget left, not more: dropped").containsExactly(2L);
        assertThat(ids(line.takeAll())).as("3's lease is over: dropped").containsExactly(4L);
        assertThat(line.size()).isZero();
        assertThat(line.webhooks()).isEmpty();
    }
}
