package hukz.policy;

import hukz.config.HukzConfig;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The retry policy, all of it (SPEC §5, §8): what one attempt's answer means for its delivery, and the two
 * timings that follow from the schedule. Change it here; the attempt stage maps the {@link Outcome} into the
 * attempt's record and the record stage applies it as it stands.
 * <ul>
 * <li>A 2xx delivers. A 410 Gone fails the delivery at once and disables its webhook. Anything else (another
 * status, a timeout, a connection error, a refused address) is retried after {@code retry_schedule}:
 * {@code steps[n-1]} is the wait after attempt n, and after the last step the delivery has failed.</li>
 * <li>After a 429 or 503 with {@code Retry-After: R} the wait is max(step, min(R, 2 x step)): a receiver may
 * ask for more time, up to twice the step, never for less. R is seconds or an HTTP-date; garbage is ignored.</li>
 * <li>Each wait gets up to 10% jitter, so that the retries of one outage do not come back in a single wave.</li>
 * <li>A probe of an open circuit is an attempt like any other: it spends a step, and a failed probe on the
 * last step fails its delivery. The deliveries an open circuit holds back make no attempt, so the policy never
 * sees them and they spend nothing (flow control keeps them pending).</li>
 * </ul>
 */
public final class RetryPolicy {
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(7);
    static final String GONE = "receiver answered 410 Gone";
    private static final Outcome DELIVERED = new Outcome.Delivered();
    private static final Outcome FAILED = new Outcome.Failed();

    private final List<Duration> steps;
    private final Duration deliveryTimeout;
    /** Given the most jitter allowed in milliseconds, the jitter to add: in [0, most]. */
    private final LongUnaryOperator jitter;

    public RetryPolicy(List<Duration> steps, Duration deliveryTimeout) {
        this(steps, deliveryTimeout, most -> ThreadLocalRandom.current().nextLong(most + 1));
    }

    RetryPolicy(List<Duration> steps, Duration deliveryTimeout, LongUnaryOperator jitter) {
        this.steps = List.copyOf(steps);
        this.deliveryTimeout = deliveryTimeout;
        this.jitter = jitter;
    }

    public static RetryPolicy of(HukzConfig config) {
        return new RetryPolicy(config.retrySchedule(), config.deliveryTimeout());
    }

    /**
     * The outcome of attempt number {@code attempt} (1 for the first) of a delivery.
     *
     * @param status     the HTTP status the receiver answered, or 0 when no answer came (timeout, connection error)
     * @param retryAfter the answer's {@code Retry-After} header as sent, or null
     * @param probe      the attempt tested an open circuit (changes nothing here: see the class comment)
     */
    public Outcome decide(int attempt, int status, String retryAfter, boolean probe, Instant now) {
        if (status >= 200 && status <= 299) {
            return DELIVERED;
        }
        if (status == 410) {
            return new Outcome.FailedAndDisable(GONE);
        }
        Duration asked = status == 429 || status == 503 ? parseRetryAfter(retryAfter, now) : null;
        Duration wait = waitAfter(attempt, asked);
        return wait == null ? FAILED : new Outcome.RetryAt(now.plus(wait));
    }

    /** A delivery whose webhook was disabled or deleted before its attempt: it fails without one. */
    public Outcome webhookGone() {
        return FAILED;
    }

    /** Attempts a delivery gets at most: the first and one per step. */
    public int maxAttempts() {
        return steps.size() + 1;
    }

    /**
     * How long an attempt holds its delivery before another worker (of any instance) may take it again: the
     * delay after which a crash's deliveries are retried. An attempt lasts at most {@code delivery_timeout};
     * twice that plus 5 s leaves room for a busy machine to record its outcome, so a live attempt is never
     * made twice.
     */
    public Duration lease() {
        return deliveryTimeout.multipliedBy(2).plusSeconds(5);
    }

    /**
     * How often the retry poller looks for due deliveries: half the shortest step, between 50 ms and 200 ms,
     * so that retries are on time and deliveries that flow control left waiting go out soon after their webhook
     * has a slot or a rate-limit window free.
     */
    public long pollMillis() {
        Duration shortest = steps.stream().min(Duration::compareTo).orElse(Duration.ofSeconds(1));
        return Math.max(50, Math.min(200, shortest.toMillis() / 2));
    }

    /** The wait before the attempt after attempt {@code attempt}, jitter included; null when no step is left. */
    Duration waitAfter(int attempt, Duration retryAfter) {
        if (attempt < 1 || attempt > steps.size()) {
            return null;
        }
        Duration step = steps.get(attempt - 1);
        Duration wait = step;
        if (retryAfter != null) {
            Duration capped = retryAfter.compareTo(step.multipliedBy(2)) > 0 ? step.multipliedBy(2) : retryAfter;
            wait = capped.compareTo(step) > 0 ? capped : step;
        }
        long mostJitter = wait.toMillis() / 10;
        return mostJitter > 0 ? wait.plusMillis(jitter.applyAsLong(mostJitter)) : wait;
    }

    /**
     * Reads a Retry-After header (RFC 9110): delay-seconds, or an HTTP-date taken relative to {@code now} (a
     * date in the past is no wait); garbage counts as absent. At most a week.
     */
    static Duration parseRetryAfter(String header, Instant now) {
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
