package hukz.dispatch;

import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Commits attempts (log row + delivery state, in one transaction per batch) and acts on them: they move their
 * webhooks' circuits, a 410 disables the webhook, a delivery that failed for good is reported. Attempts are
 * queued and written in batches by one thread; when the database is unreachable the batch is retried, so an
 * outcome is only ever lost with the process.
 */
public final class AttemptRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecorder.class);
    private final DeliveryStore deliveries;
    private final Circuits circuits;
    private final DispatchMetrics metrics;
    private final BatchQueue<AttemptRecord> queue;

    public AttemptRecorder(DeliveryStore deliveries, Circuits circuits, DispatchMetrics metrics) {
        this.deliveries = deliveries;
        this.circuits = circuits;
        this.metrics = metrics;
        this.queue = new BatchQueue<>("hukz-attempt-recorder", 100_000, 500, this::write);
        queue.start();
    }

    /** Queues the attempt for the next batch (waits only when 100,000 are already waiting). */
    public void record(AttemptRecord r) {
        if (!queue.put(r)) {
            write(List.of(r));
        }
    }

    private void write(List<AttemptRecord> batch) {
        for (int tries = 1; ; tries++) {
            try {
                deliveries.recordAttempts(batch);
                break;
            } catch (RuntimeException e) {
                if (tries >= 30) {
                    throw e;
                }
                LOG.warn("could not record {} attempt(s), retrying: {}", batch.size(), e.getMessage());
                sleep(Math.min(5000, 200L * tries));
            }
        }
        for (AttemptRecord r : batch) {
            afterRecorded(r);
        }
        try {
            circuits.afterAttempts(batch);
        } catch (RuntimeException e) {
            // the attempts are committed; a circuit left behind catches up with the next attempts
            LOG.warn("could not update circuits after {} attempt(s): {}", batch.size(), e.getMessage());
        }
    }

    private void afterRecorded(AttemptRecord r) {
        metrics.attempt(Attempt.outcomeOf(r), Duration.ofMillis(r.durationMs()));
        if (r.responseStatusCode() == 410) {
            circuits.disable(r.webhookId(), "receiver answered 410 Gone", r);
        }
        if (Delivery.FAILED.equals(r.status())) {
            circuits.deliveryFailed(r);
        }
    }

    /** Writes what is queued; called at shutdown after the delivery routes have stopped. */
    public void close() {
        queue.close(15_000);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
