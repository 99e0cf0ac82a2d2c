package hukz.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A webhook's slots on this instance: taken, given back, and when a given-back slot calls for a refill. */
class InFlightTest {
    private static List<Long> ids(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void aRefillIsDueOnceAnEighthOfTheSlotsIsFree() {
        InFlight slots = new InFlight(Duration.ofMinutes(1));
        assertThat(slots.acquire(7, 32, ids(0, 40))).isEqualTo(32);
        assertThat(slots.release(7, 0)).as("1 of 32 free").isFalse();
        assertThat(slots.release(7, 1)).as("2 of 32 free").isFalse();
        assertThat(slots.release(7, 2)).as("3 of 32 free").isFalse();
        assertThat(slots.release(7, 3)).as("4 of 32 free: an eighth").isTrue();
        assertThat(slots.free(7, 32)).isEqualTo(4);
        assertThat(slots.total()).isEqualTo(28);
    }

    @Test
    void withFewerThanEightSlotsEveryFreedSlotIsRefilled() {
        for (int cap : new int[] {1, 3, 7}) {
            InFlight slots = new InFlight(Duration.ofMinutes(1));
            assertThat(slots.acquire(7, cap, ids(0, cap))).isEqualTo(cap);
            assertThat(slots.release(7, 0)).as("cap %d", cap).isTrue();
        }
    }

    @Test
    void theLastSlotGivenBackAndAnUnknownOneCallForARefill() {
        InFlight slots = new InFlight(Duration.ofMinutes(1));
        slots.acquire(7, 32, ids(0, 1));
        assertThat(slots.release(7, 0)).as("all 32 free").isTrue();
        assertThat(slots.release(7, 0)).as("nothing held any more").isTrue();
        assertThat(slots.release(8, 5)).as("a webhook with no slots taken").isTrue();
        assertThat(slots.total()).isZero();
    }
}
