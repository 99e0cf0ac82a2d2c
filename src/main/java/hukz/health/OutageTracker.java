package hukz.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
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
    private final AtomicLong waited = new AtomicLong();
    private volatile LongSupplier alreadyWaiting;
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
        waited.set(alreadyWaiting == null ? 0 : alreadyWaiting.getAsLong());
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
                    alreadyWaiting == null ? "" : "; " + Math.max(waited.get(), alreadyWaiting.getAsLong()) + " message(s) waited for it");
        }
    }

    /** Where to read how many messages are already waiting when an outage starts. */
    public void countWaitingWith(LongSupplier waiting) {
        this.alreadyWaiting = waiting;
    }

    /** Messages that wait for the resource to come back (counted for the INFO line that ends the outage). */
    public void messagesWaiting(long n) {
        waited.addAndGet(n);
    }

    public boolean isDown() {
        return downSince != null;
    }
}
