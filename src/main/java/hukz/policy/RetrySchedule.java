package hukz.policy;

import hukz.policy.RetrySchedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the next attempt of a failed delivery is due. {@code steps.get(n-1)} is the delay after attempt n;
 * after the last step the delivery has failed. Each delay gets up to 10% jitter so that retries of one
 * outage do not arrive in a single wave.
 */
public final class RetrySchedule {
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(7);
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

    /**
     * Parses a Retry-After header (RFC 9110): delay-seconds, or an HTTP-date taken relative to {@code now}
     * (a date in the past is no wait); garbage counts as absent. At most a week.
     */
    public static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        Duration delay;
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                delay = Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException tooBig) {
                delay = MAX_RETRY_AFTER;
            }
        } else {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                delay = at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return delay.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : delay;
    }
}
