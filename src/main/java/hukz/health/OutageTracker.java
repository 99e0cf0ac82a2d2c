package hukz.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Whether one thing hukz depends on (the database, NATS) is reachable, as every caller of it last found. An
 * outage is logged twice, whoever notices: one WARN when it starts, one INFO when it ends with how long it
 * lasted and how many messages waited meanwhile. Callers report here instead of logging each failed try.
 */
public final class OutageTracker {
    private static final Logger LOG = LoggerFactory.getLogger(OutageTracker.class);
    private final String resource;
    private final Counter outages;
    private volatile LongSupplier waiting;
    /** Messages that waited when the outage started: some may be given up before it ends. */
    private volatile long waitingAtStart;
    private volatile Instant downSince;

    public OutageTracker(String resource, MeterRegistry registry) {
        this.resource = resource;
        this.outages = Counter.builder("hukz_outages").tag("resource", resource)
                .description("times this resource became unreachable").register(registry);
        Gauge.builder("hukz_outage_active", this, t -> t.isDown() ? 1 : 0).tag("resource", resource)
                .description("1 while this resource is unreachable").register(registry);
    }

    /**
     * Reports a failed call. True when it is an outage (now tracked: the caller waits and tries again without
     * logging); false when it is not, and the caller must treat it as the bug it is.
     */
    public boolean failed(Throwable error) {
        if (!Outages.isOutage(error)) {
            return false;
        }
        down(Outages.describe(error));
        return true;
    }

    /** Marks the resource unreachable; logs only when it was reachable until now. */
    public synchronized void down(String why) {
        if (downSince != null) {
            return;
        }
        downSince = Instant.now();
        waitingAtStart = waiting == null ? 0 : waiting.getAsLong();
        outages.increment();
        LOG.warn("{} unreachable ({}); hukz keeps what it has taken and tries again until it is back", resource, why);
    }

    /** Reports a successful call; ends the outage, if there was one, with its one INFO line. */
    public void up() {
        if (downSince == null) {
            return;
        }
        synchronized (this) {
            if (downSince == null) {
                return;
            }
            Duration lasted = Duration.between(downSince, Instant.now());
            downSince = null;
            LOG.info("{} is back after {}s{}", resource, lasted.toSeconds(),
                    waiting == null ? "" : "; " + Math.max(waitingAtStart, waiting.getAsLong()) + " message(s) waited for it");
        }
    }

    /**
     * Where to read how many messages wait for the resource: when an outage starts, and when it ends (those that
     * came meanwhile wait in the same place).
     */
    public void countWaitingWith(LongSupplier waiting) {
        this.waiting = waiting;
    }

    public boolean isDown() {
        return downSince != null;
    }
}
