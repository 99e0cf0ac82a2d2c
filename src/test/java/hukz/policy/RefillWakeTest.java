package hukz.policy;

import hukz.store.AttemptRecord;
import hukz.store.Db;
import hukz.store.DeliveryStore;
import hukz.store.FlowStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Freed slots wake the refill once per run of it: the refill takes every free slot when it begins, so the slots
 * freed before it begins need no wake-up of their own, and the first one freed after it began wakes it again.
 */
class RefillWakeTest {
    private static final long WEBHOOK = 7;
    private final InFlight slots = new InFlight(Duration.ofMinutes(1));
    private final FlowControl flow = new FlowControl(slots, new FlowStore(new Db(null)), new DeliveryStore(new Db(null)),
            new WaitingLine(1000, 1_000_000, Duration.ofMinutes(1), Clock.systemUTC()), 5);

    @Test
    void slotsFreedWhileAWakeUpIsOnItsWaySendNoneOfTheirOwn() {
        // eight slots: every freed one is a refill's worth
        slots.acquire(WEBHOOK, 8, LongStream.rangeClosed(1, 8).boxed().toList());
        flow.waiting(List.of(WEBHOOK));
        assertThat(flow.release(outcome(1))).as("the first freed slot with deliveries waiting").isTrue();
        assertThat(flow.release(outcome(2))).as("a wake-up is on its way").isFalse();
        assertThat(flow.release(outcome(3))).isFalse();

        flow.refillBegins();
        assertThat(flow.release(outcome(4))).as("freed after the refill began").isTrue();
        assertThat(flow.release(outcome(5))).isFalse();
    }

    @Test
    void noWakeUpWithoutDeliveriesWaitingAndNoneUsedUpByIt() {
        slots.acquire(WEBHOOK, 8, LongStream.rangeClosed(1, 8).boxed().toList());
        assertThat(flow.release(outcome(1))).as("nothing waits for the slot").isFalse();
        flow.waiting(List.of(WEBHOOK));
        assertThat(flow.release(outcome(2))).as("the wake-up was not used up above").isTrue();
    }

    private static AttemptRecord outcome(long deliveryId) {
        return new AttemptRecord(deliveryId, 1, "delivered", null, WEBHOOK, 1, "e.created", "http://127.0.0.1:9/hook",
                "{}", 200, "\"\"", Map.of(), "msg_" + deliveryId, 3, null, false, null);
    }
}
