package hukz.store;

import java.time.Instant;

/**
 * A webhook's circuit as stored in webhook_flow: {@code closed}, {@code open} or {@code half_open} (one probe
 * out), the failures in a row, since when attempts have not succeeded, when a probe may go, and the current
 * wait between probes.
 */
public record CircuitState(String circuit, int consecutiveFailures, Instant failingSince, Instant nextProbeAt, Long cooldownMs) {
    public static final String CLOSED = "closed";
    public static final String OPEN = "open";
    public static final String HALF_OPEN = "half_open";
    public static final CircuitState INITIAL = new CircuitState(CLOSED, 0, null, null, null);

    public boolean closed() {
        return CLOSED.equals(circuit);
    }
}
