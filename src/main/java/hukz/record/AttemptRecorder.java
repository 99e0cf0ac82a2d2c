package hukz.record;

import hukz.attempt.Attempt;
import hukz.health.DispatchMetrics;
import hukz.policy.Circuits;
import hukz.record.AttemptRecorder;
import hukz.record.BatchQueue;

import hukz.health.OutageTracker;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Commits attempts (log row + delivery state, in one transaction per batch) and acts on them: they move their
 * webhooks' circuits, a 410 disables the webhook, a delivery that failed for good is reported. Attempts are
 * queued and written in batches by one thread; when the database is unreachable the batch is tried again for
 * as long as the outage lasts, so an outcome is only ever lost with the process (and then its delivery is
 * attempted again once its lease runs out).
 */
public final class AttemptRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecorder.class);
    private final DeliveryStore deliveries;
    private final Circuits circuits;
    private final DispatchMetrics metrics;
    private final BatchQueue<AttemptRecord> queue;
    private final OutageTracker database;
    private volatile boolean closing;
    private boolean reportedShutdownLoss;
    /** Deliveries with an attempt made and its outcome not yet committed. */
    private final Set<Long> unrecorded = ConcurrentHashMap.newKeySet();

    public AttemptRecorder(DeliveryStore deliveries, Circuits circuits, DispatchMetrics metrics, OutageTracker database) {
        this.database = database;
        this.deliveries = deliveries;
        this.circuits = circuits;
        this.metrics = metrics;
        this.queue = new BatchQueue<>("hukz-attempt-recorder", 100_000, 500, this::write);
        queue.start();
    }

    /** Queues the attempt for the next batch (waits only when 100,000 are already waiting). */
    public void record(AttemptRecord r) {
        unrecorded.add(r.deliveryId());
        if (!queue.put(r)) {
            write(List.of(r));
        }
    }

    private void write(List<AttemptRecord> batch) {
        long pause = 200;
        for (int failures = 0; ; ) {
            try {
                deliveries.recordAttempts(batch);
                database.up();
                break;
            } catch (RuntimeException e) {
                if (database.failed(e)) {
                    if (closing) {
                        leaveToLease(batch);
                        return;
                    }
                    sleep(pause);
                    pause = Math.min(5000, pause * 2);
                } else if (++failures >= 3) {
                    LOG.error("could not record {} attempt(s); their deliveries are attempted again when their lease runs out",
                            batch.size(), e);
                    forget(batch);
                    return;
                } else {
                    sleep(200L * failures);
                }
            }
        }
        forget(batch);
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

    private void forget(List<AttemptRecord> batch) {
        for (AttemptRecord r : batch) {
            unrecorded.remove(r.deliveryId());
        }
    }

    /**
     * Whether an attempt of this delivery was made and its outcome is not committed yet (it waits out a database
     * outage, say). Its lease may have run out meanwhile; attempting it again would send it twice.
     */
    public boolean awaitsRecording(long deliveryId) {
        return unrecorded.contains(deliveryId);
    }

    /** Shutting down during an outage: the outcomes go with the process, their deliveries stay leased. */
    private void leaveToLease(List<AttemptRecord> batch) {
        if (!reportedShutdownLoss) {
            reportedShutdownLoss = true;
            LOG.warn("shutting down while the database is unreachable: {} attempt outcome(s) not recorded; their deliveries "
                    + "are attempted again when their lease runs out", batch.size() + queue.size());
        }
    }

    private void afterRecorded(AttemptRecord r) {
        metrics.attempt(Attempt.outcomeOf(r), Duration.ofMillis(r.durationMs()));
        if (r.disableReason() != null) {
            circuits.disable(r.webhookId(), r.disableReason(), r);
        }
        if (Delivery.FAILED.equals(r.status())) {
            circuits.deliveryFailed(r);
        }
    }

    /** Writes what is queued; called at shutdown after the delivery routes have stopped. */
    public void close() {
        closing = true;
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
