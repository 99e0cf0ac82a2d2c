package hukz.ingest;

import hukz.health.OutageTracker;
import hukz.health.Outages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code ingest} routes' error handling decides (routes/ingest.camel.yaml, {@code onException}). Camel
 * tries a failed step again, with back-off, for as long as {@link #waitOut} says the database is away; the outage
 * is logged once, by the {@link OutageTracker}, not per try. A batch the database refuses for another reason (a
 * bug, data it will not take) is stored again one message at a time, so that only the message at fault is lost.
 * At shutdown an outage is no longer waited out: what was taken and not stored is given up with one WARN (JetStream
 * redelivers its own).
 */
public final class IngestFailures {
    private static final Logger LOG = LoggerFactory.getLogger(IngestFailures.class);
    private final OutageTracker database;
    private final IngestBuffer buffer;
    private volatile boolean closing;
    private boolean reportedShutdownLoss;

    public IngestFailures(OutageTracker database, IngestBuffer buffer) {
        this.database = database;
        this.buffer = buffer;
    }

    /** Try the step again: the database is unreachable (now tracked as an outage) and hukz is not shutting down. */
    public boolean waitOut(Exception error) {
        return database.failed(error) && !closing;
    }

    /**
     * A step failed and is not tried again. Returns the messages to store again, each on its own (empty when
     * there is nothing more to try).
     */
    public List<List<IncomingMessage>> notStored(List<?> body, Exception error) {
        List<IncomingMessage> messages = new ArrayList<>(body.size());
        for (Object o : body) {
            if (o instanceof IncomingMessage m) {
                messages.add(m);
            }
        }
        if (closing && (database.isDown() || Outages.isOutage(error))) {
            giveUp(messages, "shutting down while the database is unreachable");
            return List.of();
        }
        if (messages.isEmpty()) {
            return List.of();
        }
        if (messages.size() > 1) {
            LOG.error("could not store a batch of {} messages; storing them one by one", messages.size(), error);
            return messages.stream().map(List::of).toList();
        }
        IncomingMessage m = messages.get(0);
        LOG.error("could not store a message on {}; skipped it", m.subject(), error);
        m.onFailed().run();
        return List.of();
    }

    /**
     * From the lifecycle, once nothing new is taken: from now on an outage is not waited out. When the database
     * is already unreachable, what waits in the queue is given up at once.
     */
    public void closing() {
        closing = true;
        if (database.isDown()) {
            giveUp(List.of(), "shutting down while the database is unreachable");
        }
    }

    /** From the lifecycle, once the ingest route has stopped: whatever it did not take in time is given up. */
    public void stopped() {
        giveUp(List.of(), "shutting down before they were stored");
    }

    private synchronized void giveUp(List<IncomingMessage> inHand, String why) {
        // counted before the queue is emptied: what waits in it is counted there (a batch in hand, once taken)
        long waiting = buffer.buffered();
        List<IncomingMessage> queued = buffer.abandon();
        if (!reportedShutdownLoss && (!inHand.isEmpty() || !queued.isEmpty() || waiting > 0)) {
            reportedShutdownLoss = true;
            LOG.warn("{}: {} message(s) taken from NATS were not stored (JetStream redelivers its own)", why,
                    Math.max(waiting, inHand.size() + queued.size()));
        }
        inHand.forEach(m -> m.onFailed().run());
        queued.forEach(m -> m.onFailed().run());
    }
}
