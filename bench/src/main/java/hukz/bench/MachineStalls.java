package hukz.bench;

import java.util.Arrays;

/**
 * How much of a run's slow tail was in flight while the machine's own kernel threads (kdamond, see
 * {@link KernelThreadWatch}) took CPU. A delivery counts as in flight during a tick when the tick was noticed between
 * its publish and 15 ms after its receipt (a tick is charged at the end of its 10 ms, and noticed up to 5 ms later).
 * {@code allDuringKdamond} of {@code allDeliveries} is the same for every delivery: what chance alone would give.
 */
public record MachineStalls(boolean watched, long kdamondTicks, long slowDeliveries, long slowDuringKdamond,
                            long allDeliveries, long allDuringKdamond) {
    static final MachineStalls NONE = new MachineStalls(false, 0, 0, 0, 0, 0);
    /** Slow: over s3's target. */
    static final long SLOW_MICROS = 10_000;
    private static final long NOTICED_WITHIN_MICROS = 15_000;

    /** From each delivery's publish and receipt (epoch micros, same order) and what the watch saw. */
    static MachineStalls of(long[] published, long[] received, KernelThreadWatch kdamond) {
        if (!kdamond.watching()) {
            return NONE;
        }
        long[] tickMicros = kdamond.tickMicros();
        long slow = 0;
        long slowDuring = 0;
        long allDuring = 0;
        for (int i = 0; i < published.length; i++) {
            boolean during = tickBetween(tickMicros, published[i], received[i] + NOTICED_WITHIN_MICROS);
            boolean isSlow = received[i] - published[i] > SLOW_MICROS;
            slow += isSlow ? 1 : 0;
            slowDuring += isSlow && during ? 1 : 0;
            allDuring += during ? 1 : 0;
        }
        return new MachineStalls(true, tickMicros.length, slow, slowDuring, published.length, allDuring);
    }

    private static boolean tickBetween(long[] ticks, long from, long to) {
        int i = Arrays.binarySearch(ticks, from);
        int first = i >= 0 ? i : -i - 1;
        return first < ticks.length && ticks[first] <= to;
    }

    /** For the run's log line; empty when nothing was watched. */
    String summary() {
        if (!watched) {
            return "";
        }
        return String.format(", kdamond %d ms of CPU: %d of %d deliveries over 10 ms in flight while it ran (all: %d of %d)",
                kdamondTicks * 1000 / Procs.CLOCK_TICKS, slowDuringKdamond, slowDeliveries, allDuringKdamond, allDeliveries);
    }
}
