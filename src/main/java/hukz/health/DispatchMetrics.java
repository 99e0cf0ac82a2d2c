package hukz.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** Delivery metrics on /metrics: messages in, deliveries created, attempts by outcome and their duration. */
public final class DispatchMetrics {
    private final MeterRegistry registry;
    private final Counter messages;
    private final Counter deliveries;
    private final Counter dropped;
    private final Counter redelivered;
    private final Timer attemptDuration;
    private final java.util.Map<String, Counter> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    public DispatchMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.messages = Counter.builder("hukz_messages_consumed").description("NATS messages taken").register(registry);
        this.deliveries = Counter.builder("hukz_deliveries_stored").description("deliveries created (stored as pending)").register(registry);
        this.dropped = Counter.builder("hukz_messages_dropped").description("messages dropped because the ingest queue was full")
                .register(registry);
        this.redelivered = Counter.builder("hukz_jetstream_redeliveries")
                .description("JetStream messages that arrived again (not acked in time by an earlier taker)").register(registry);
        this.attemptDuration = Timer.builder("hukz_attempt_duration").description("duration of one attempt")
                .publishPercentileHistogram().register(registry);
    }

    public void messageConsumed() {
        messages.increment();
    }

    public void messageDropped() {
        dropped.increment();
    }

    public void messageRedelivered() {
        redelivered.increment();
    }

    public void deliveriesCreated(int n) {
        deliveries.increment(n);
    }

    /** outcome: 2xx, 4xx, 5xx, timeout, connection_error, refused, other. */
    public void attempt(String outcome, Duration duration) {
        attempts.computeIfAbsent(outcome, o -> Counter.builder("hukz_attempts").tag("outcome", o).register(registry)).increment();
        attemptDuration.record(duration);
    }
}
