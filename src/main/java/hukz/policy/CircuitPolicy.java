package hukz.policy;

import hukz.store.CircuitState;

import java.time.Duration;
import java.time.Instant;

/**
 * How one attempt's outcome moves a webhook's circuit (SPEC §8). A timeout, a connection error, a 5xx or a
 * failure to speak HTTP counts against the receiver; after {@code failures} of them in a row the circuit
 * opens. Any answer other than a 5xx shows the receiver is up and closes it again. Only a probe's failure
 * reopens a half-open circuit, with twice the wait (at most {@link #MAX_COOLDOWN}); attempts that were already
 * out when it opened change nothing. {@code failing_since} (for {@code disable_after}) is only cleared by a 2xx.
 */
public final class CircuitPolicy {
    public static final Duration MAX_COOLDOWN = Duration.ofMinutes(10);

    /** What an attempt says about its receiver. */
    public enum Verdict { SUCCESS, ANSWERED, FAILED, NEUTRAL }

    private final int failures;
    private final Duration cooldown;

    public CircuitPolicy(int failures, Duration cooldown) {
        this.failures = failures;
        this.cooldown = cooldown.compareTo(MAX_COOLDOWN) > 0 ? MAX_COOLDOWN : cooldown;
    }

    /** The verdict of an attempt from its metric outcome (2xx, 4xx, 5xx, timeout, connection_error, refused, other). */
    public static Verdict verdict(String outcome) {
        return switch (outcome) {
            case "2xx" -> Verdict.SUCCESS;
            case "4xx" -> Verdict.ANSWERED;
            case "5xx", "timeout", "connection_error", "other" -> Verdict.FAILED;
            default -> Verdict.NEUTRAL;
        };
    }

    public CircuitState apply(CircuitState s, Verdict verdict, boolean probe, Instant now) {
        return switch (verdict) {
            case SUCCESS -> CircuitState.INITIAL;
            case ANSWERED -> new CircuitState(CircuitState.CLOSED, 0, since(s, now), null, null);
            case NEUTRAL -> new CircuitState(s.circuit(), s.consecutiveFailures(), since(s, now), s.nextProbeAt(), s.cooldownMs());
            case FAILED -> failed(s, probe, now);
        };
    }

    private CircuitState failed(CircuitState s, boolean probe, Instant now) {
        int count = s.consecutiveFailures() + 1;
        if (s.closed()) {
            if (count >= failures) {
                return new CircuitState(CircuitState.OPEN, count, since(s, now), now.plus(cooldown), cooldown.toMillis());
            }
            return new CircuitState(CircuitState.CLOSED, count, since(s, now), null, null);
        }
        if (probe && CircuitState.HALF_OPEN.equals(s.circuit())) {
            long last = s.cooldownMs() == null ? cooldown.toMillis() : s.cooldownMs();
            long next = Math.min(MAX_COOLDOWN.toMillis(), last * 2);
            return new CircuitState(CircuitState.OPEN, count, since(s, now), now.plusMillis(next), next);
        }
        return new CircuitState(s.circuit(), count, since(s, now), s.nextProbeAt(), s.cooldownMs());
    }

    private static Instant since(CircuitState s, Instant now) {
        return s.failingSince() == null ? now : s.failingSince();
    }
}
