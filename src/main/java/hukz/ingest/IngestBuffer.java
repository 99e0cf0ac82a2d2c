package hukz.ingest;

import hukz.health.DispatchMetrics;
import hukz.health.OutageTracker;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.QueueReference;
import org.apache.camel.component.seda.SedaComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages between NATS and the database, as hukz accounts for them. They wait in Camel's {@code seda:ingest}
 * queue (sized {@code ingest_buffer}) and then in the batch the {@code ingest} route is storing; this class counts
 * them from the moment they are taken until they are stored or given up (the {@code hukz_ingest_buffered_messages}
 * gauge), counts and reports the core NATS messages a full queue drops, reads the core NATS messages the ingest
 * route's batches are made of ({@link IngestBatch}), and tells JetStream how many more it may pull.
 */
public final class IngestBuffer implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(IngestBuffer.class);
    /** How the seda component knows the queue of {@code seda:ingest} (its endpoint URI without parameters). */
    static final String QUEUE_KEY = "seda://ingest";
    private static final long DROP_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int capacity;
    private final DispatchMetrics metrics;
    private final OutageTracker database;
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong droppedSinceReport = new AtomicLong();
    private final long neverReported = System.nanoTime() - DROP_REPORT_NANOS;
    private volatile long lastDropReport = neverReported;
    private volatile CamelContext context;
    private volatile SedaComponent seda;

    public IngestBuffer(int capacity, DispatchMetrics metrics, OutageTracker database) {
        this.capacity = capacity;
        this.metrics = metrics;
        this.database = database;
    }

    /**
     * Set by the registry the bean is bound in, and by the lifecycle once the routes are up. The queue itself is
     * looked up on each use: a route reload may make it again.
     */
    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /**
     * A message taken from {@code seda:ingest} as a plain value: a core NATS message (the exchange camel-nats made,
     * put in the queue as it came) is read and counted as taken from here on; one JetStream pulled is already a
     * plain value, counted when it was pulled.
     */
    public IncomingMessage of(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof IncomingMessage m) {
            return m;
        }
        return taken(fromExchange(exchange));
    }

    /** Counts a message as taken until it is stored or given up (its callbacks say which). */
    public IncomingMessage taken(IncomingMessage m) {
        buffered.incrementAndGet();
        return new IncomingMessage(m.subject(), m.data(), m.natsMessageId(), m.tagHeaders(),
                () -> {
                    buffered.decrementAndGet();
                    m.onStored().run();
                },
                () -> {
                    buffered.decrementAndGet();
                    m.onFailed().run();
                });
    }

    /**
     * A full queue refused a core NATS message: it is dropped, as NATS itself would drop it for a slow consumer;
     * counted in {@code hukz_messages_dropped_total}, reported at most once a minute.
     */
    public void dropped() {
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

    /** ingest_buffer: how many messages the queue holds. */
    public int capacity() {
        return capacity;
    }

    /** How many more messages fit in the queue without waiting. */
    public int room() {
        BlockingQueue<Exchange> queue = queue();
        return queue == null ? 0 : queue.remainingCapacity();
    }

    /**
     * Messages taken and not yet stored: those in the queue and those in the batch being stored. Core NATS messages
     * are counted once they leave the queue (see {@link #of}); those still in it are counted here, when asked.
     */
    public long buffered() {
        BlockingQueue<Exchange> queue = queue();
        long queued = 0;
        if (queue != null) {
            for (Exchange e : queue) {
                if (!(e.getMessage().getBody() instanceof IncomingMessage)) {
                    queued++;
                }
            }
        }
        return Math.max(0, buffered.get()) + queued;
    }

    /** Takes every message still in the queue out of it, for a shutdown that cannot store them. */
    List<IncomingMessage> abandon() {
        BlockingQueue<Exchange> queue = queue();
        List<Exchange> left = new ArrayList<>();
        if (queue != null) {
            queue.drainTo(left);
        }
        List<IncomingMessage> messages = new ArrayList<>(left.size());
        for (Exchange e : left) {
            messages.add(e.getMessage().getBody() instanceof IncomingMessage m ? m : fromExchange(e));
        }
        return messages;
    }

    /** The message as camel-nats gave it to the route (only the headers hukz reads pass its header filter). */
    private static IncomingMessage fromExchange(Exchange exchange) {
        byte[] data = exchange.getMessage().getBody(byte[].class);
        return IncomingMessage.of(exchange.getMessage().getHeader("CamelNatsSubject", String.class), data == null ? new byte[0] : data,
                single(exchange.getMessage().getHeader(Ingest.MSG_ID_HEADER)), all(exchange.getMessage().getHeader(Ingest.TAG_HEADER)));
    }

    private static String single(Object header) {
        List<String> values = all(header);
        return values.isEmpty() ? null : values.get(0);
    }

    /** camel-nats gives a header as a string or as the list of its values. */
    private static List<String> all(Object header) {
        if (header == null) {
            return List.of();
        }
        if (header instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(header));
    }

    private BlockingQueue<Exchange> queue() {
        SedaComponent s = seda;
        if (s == null && context != null) {
            s = context.getComponent("seda", SedaComponent.class);
            seda = s;
        }
        QueueReference ref = s == null ? null : s.getQueueReference(QUEUE_KEY);
        return ref == null ? null : ref.getQueue();
    }
}
