package hukz.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the next attempt of a failed delivery is due. {@code steps.get(n-1)} is the delay after attempt n;
 * after the last step the delivery has failed. Each delay gets up to 10% jitter so that retries of one
 * outage do not arrive in a single wave.
 */
public final class RetrySchedule {
    private final List<Duration> steps;

    public RetrySchedule(List<Duration> steps) {
        this.steps = List.copyOf(steps);
    }

    public int maxAttempts() {
        return steps.size() + 1;
    }

    public Duration shortestStep() {
        return steps.stream().min(Duration::compareTo).orElse(Duration.ofSeconds(1));
    }

    /**
     * The delay before the attempt after attempt {@code attemptsMade}, or null when none is left. A
     * {@code Retry-After} of R seconds makes it max(step, min(R, 2 x step)).
     */
    public Duration delayAfter(int attemptsMade, Duration retryAfter) {
        if (attemptsMade < 1 || attemptsMade > steps.size()) {
            return null;
        }
        Duration step = steps.get(attemptsMade - 1);
        Duration delay = step;
        if (retryAfter != null) {
            Duration capped = retryAfter.compareTo(step.multipliedBy(2)) > 0 ? step.multipliedBy(2) : retryAfter;
            delay = capped.compareTo(step) > 0 ? capped : step;
        }
        long jitterMillis = delay.toMillis() / 10;
        return jitterMillis > 0 ? delay.plusMillis(ThreadLocalRandom.current().nextLong(jitterMillis + 1)) : delay;
    }

    public Instant nextAttemptAt(int attemptsMade, Duration retryAfter, Instant now) {
        Duration delay = delayAfter(attemptsMade, retryAfter);
        return delay == null ? null : now.plus(delay);
    }

    /** Parses a Retry-After header given in seconds; an HTTP date or garbage counts as absent. */
    public static Duration parseRetryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 7 * 24 * 3600L));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
