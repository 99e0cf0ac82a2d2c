package hukz.record;

import hukz.attempt.Attempt;
import hukz.health.DispatchMetrics;
import hukz.health.OutageTracker;
import hukz.health.Outages;
import hukz.policy.Circuits;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java side of the record route (routes/record.camel.yaml), which commits attempt outcomes in batches, log
 * rows and delivery states in one statement. Here: which deliveries have an outcome on its way to the database,
 * whether a failed batch is tried again (for as long as a database outage lasts), and what follows a commit —
 * metrics, circuits, the webhook disabled when the retry policy says so, a delivery that failed for good
 * reported. An outcome is only ever lost with the process (then its delivery is attempted again once its lease
 * runs out).
 */
public final class AttemptRecorder implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecorder.class);
    /**
     * The record route's queue, as the deliver route hands outcomes over on it (waiting while it is full). The queue
     * is the bean {@code recordQueue} ({@link #queue()}): the record route's batch takes what waits there.
     */
    public static final String QUEUE_URI = "seda:record?queue=#recordQueue&blockWhenFull=true";
    /** Outcomes that may wait for the record route (100,000 outcomes waiting out a long database outage). */
    static final int QUEUE_SIZE = 100_000;
    /** Tries of a batch that fails for a reason other than an outage (a bug, bad data). */
    static final int TRIES_ON_ERROR = 3;
    private final Circuits circuits;
    private final DispatchMetrics metrics;
    private final OutageTracker database;
    /** Deliveries with an attempt made and its outcome not yet committed. */
    private final Set<Long> unrecorded = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;
    private volatile boolean reportedShutdownLoss;
    private final RecordQueue queue = new RecordQueue(QUEUE_SIZE);
    private volatile CamelContext context;
    private volatile ProducerTemplate producer;

    public AttemptRecorder(Circuits circuits, DispatchMetrics metrics, OutageTracker database) {
        this.circuits = circuits;
        this.metrics = metrics;
        this.database = database;
    }

    /** The context whose record route takes the outcomes made outside a route (see {@link #record}). */
    @Override
    public void setCamelContext(CamelContext camel) {
        this.context = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /** seda:record's queue, bound as {@code recordQueue}: outcomes handed over and not yet taken into a batch. */
    public RecordQueue queue() {
        return queue;
    }

    /** The deliver route hands an outcome over: until it is committed, its delivery is not attempted again. */
    public AttemptRecord handOver(AttemptRecord r) {
        unrecorded.add(r.deliveryId());
        return r;
    }

    /**
     * An outcome decided outside a route (the retry poller fails deliveries of disabled webhooks) goes the same
     * way as the deliver route's: onto the record route's queue.
     */
    public void record(AttemptRecord r) {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        p.sendBody(QUEUE_URI, handOver(r));
    }

    /**
     * Whether an attempt of this delivery was made and its outcome is not committed yet (it waits out a database
     * outage, say). Its lease may have run out meanwhile; attempting it again would send it twice.
     */
    public boolean awaitsRecording(long deliveryId) {
        return unrecorded.contains(deliveryId);
    }

    /**
     * The record route's retryWhile: whether a batch that failed is tried again. An outage (reported to the
     * tracker, which logs its start once) is waited out for as long as it lasts, except at shutdown; any other
     * error gets a few tries.
     */
    public boolean retry(Exception error, Integer redeliveries) {
        if (database.failed(error)) {
            return !shuttingDown;
        }
        return (redeliveries == null ? 0 : redeliveries) < TRIES_ON_ERROR - 1;
    }

    /** After the commit of a batch: its attempts move metrics and circuits, a 410 disables, a failure is reported. */
    public void recorded(List<AttemptRecord> batch) {
        database.up();
        forget(batch);
        try {
            for (AttemptRecord r : batch) {
                afterRecorded(r);
            }
            circuits.afterAttempts(batch);
        } catch (RuntimeException e) {
            // the attempts are committed; a circuit left behind catches up with the next attempts
            LOG.warn("could not act on {} recorded attempt(s): {}", batch.size(), e.toString());
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

    /** A batch the record route gave up on: its deliveries are left to their lease. Said once, not per batch. */
    public void notRecorded(List<AttemptRecord> batch, Exception error) {
        forget(batch);
        if (!Outages.isOutage(error)) {
            LOG.error("could not record {} attempt(s); their deliveries are attempted again when their lease runs out",
                    batch.size(), error);
        } else {
            // shutting down in an outage: what is still queued would fail the same way, each batch only after the
            // pool's connection timeout; it goes with the process now
            int left = batch.size() + dropQueued();
            if (!reportedShutdownLoss) {
                reportedShutdownLoss = true;
                LOG.warn("shutting down while the database is unreachable: {} attempt outcome(s) not recorded; their "
                        + "deliveries are attempted again when their lease runs out", left);
            }
        }
    }

    /** Shutdown has begun: what is queued is still written, but a database outage is no longer waited out. */
    public void shuttingDown() {
        shuttingDown = true;
    }

    private int dropQueued() {
        List<Exchange> queued = new ArrayList<>();
        queue.drainTo(queued);
        for (Exchange e : queued) {
            unrecorded.remove(e.getMessage().getBody(AttemptRecord.class).deliveryId());
        }
        return queued.size();
    }

    private void forget(List<AttemptRecord> batch) {
        for (AttemptRecord r : batch) {
            unrecorded.remove(r.deliveryId());
        }
    }
}
