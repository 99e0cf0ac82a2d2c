package hukz.ingest;

import hukz.health.DispatchMetrics;
import hukz.ingest.IncomingMessage;
import hukz.ingest.Ingest;
import hukz.ingest.IngestQueue;
import hukz.record.BatchQueue;

import hukz.health.OutageTracker;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where messages wait between NATS and the database. The NATS thread only adds to it (it never waits on
 * the database or a receiver); one thread takes whatever has arrived and sends it as one batch through the
 * {@code direct:ingest} route, so hundreds of messages are stored in one transaction.
 * <p>
 * While the database is unreachable the batch in hand is tried again, for as long as it takes, and the
 * messages behind it wait in order: what was taken is stored when the database returns. Only a full buffer
 * ({@code ingest_buffer}) drops core NATS messages.
 */
public final class IngestQueue {
    private static final Logger LOG = LoggerFactory.getLogger(IngestQueue.class);
    public static final String INGEST_URI = "direct:ingest";
    private static final long MAX_PAUSE_MILLIS = 5000;
    private static final long DROP_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);
    private final BatchQueue<IncomingMessage> queue;
    private final int capacity;
    private final DispatchMetrics metrics;
    private final OutageTracker database;
    private final AtomicLong droppedSinceReport = new AtomicLong();
    private final long neverReported = System.nanoTime() - DROP_REPORT_NANOS;
    private volatile long lastDropReport = neverReported;
    private volatile int inHand;
    private volatile boolean closing;
    private boolean reportedShutdownLoss;
    private volatile ProducerTemplate template;

    public IngestQueue(int capacity, DispatchMetrics metrics, OutageTracker database) {
        this.queue = new BatchQueue<>("hukz-ingest", capacity, 500, this::write);
        this.capacity = capacity;
        this.metrics = metrics;
        this.database = database;
    }

    public synchronized void start(CamelContext context) {
        if (template == null) {
            template = context.createProducerTemplate();
            queue.start();
        }
    }

    /** From the core NATS route. A full buffer drops the message, as NATS itself would; reported once a minute. */
    public void offer(Exchange exchange) {
        start(exchange.getContext());
        IncomingMessage message = Ingest.fromExchange(exchange);
        if (!Ingest.isConsumable(message.subject())) {
            // Replies and the server's own subjects ($JS.API acks, ...) would only take room in the buffer.
            return;
        }
        if (queue.offer(message)) {
            if (database.isDown()) {
                database.messagesWaiting(1);
            }
            return;
        }
        metrics.messageDropped();
        droppedSinceReport.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastDropReport >= DROP_REPORT_NANOS) {
            synchronized (this) {
                if (now - lastDropReport >= DROP_REPORT_NANOS) {
                    boolean first = lastDropReport == neverReported;
                    lastDropReport = now;
                    long dropped = droppedSinceReport.getAndSet(0);
                    LOG.warn("ingest buffer full ({} messages waiting{}): {}; counted in hukz_messages_dropped_total, "
                                    + "reported here at most once a minute; ingest_buffer sets the size", capacity,
                            database.isDown() ? " for the database" : "",
                            first ? "dropping the messages that do not fit" : "dropped " + dropped + " message(s) since the last report");
                }
            }
        }
    }

    /** From JetStream: waits for room, since the message is only acked once stored. */
    public void put(IncomingMessage message) {
        if (!queue.put(message)) {
            message.onFailed().run();
        }
    }

    /** Messages taken and not yet stored: those waiting and the batch being written. */
    public int buffered() {
        return queue.size() + inHand;
    }

    /** How many more messages fit without waiting. */
    public int room() {
        return queue.room();
    }

    /** Stores the batch, waiting out a database outage however long it lasts. */
    private void write(List<IncomingMessage> batch) {
        List<IncomingMessage> copy = List.copyOf(batch);
        inHand = copy.size();
        try {
            long pause = 200;
            while (true) {
                if (closing && database.isDown()) {
                    giveUpAtShutdown(copy);
                    return;
                }
                Exception error = template.send(INGEST_URI, e -> e.getMessage().setBody(copy)).getException();
                if (error == null) {
                    database.up();
                    copy.forEach(m -> m.onStored().run());
                    return;
                }
                if (!database.failed(error)) {
                    storeOneByOne(copy, error);
                    return;
                }
                if (!pause(pause)) {
                    giveUpAtShutdown(copy);
                    return;
                }
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
            }
        } finally {
            inHand = 0;
        }
    }

    /**
     * Not an outage: a bug, or data the database refuses. Each message is then stored on its own, so that
     * only the one at fault is lost (and logged); an outage meanwhile is waited out as usual.
     */
    private void storeOneByOne(List<IncomingMessage> batch, Exception error) {
        if (batch.size() > 1) {
            LOG.error("could not store a batch of {} messages; storing them one by one", batch.size(), error);
            for (IncomingMessage m : batch) {
                write(List.of(m));
            }
            return;
        }
        IncomingMessage m = batch.get(0);
        LOG.error("could not store a message on {}; skipped it", m.subject(), error);
        m.onFailed().run();
    }

    private void giveUpAtShutdown(List<IncomingMessage> batch) {
        if (!reportedShutdownLoss) {
            reportedShutdownLoss = true;
            LOG.warn("shutting down while the database is unreachable: {} message(s) taken from NATS were not stored "
                    + "(JetStream redelivers its own)", batch.size() + queue.size());
        }
        batch.forEach(m -> m.onFailed().run());
    }

    /** False when hukz is shutting down (or the thread interrupted) instead of waiting. */
    private boolean pause(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!closing && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !closing;
    }

    /** Stops taking messages and stores those already taken; called while the routes still run. */
    public void close() {
        closing = true;
        queue.close(15_000);
    }
}
