package hukz.ingest;

import hukz.health.Consumption;
import hukz.health.DispatchMetrics;
import hukz.health.OutageTracker;
import hukz.health.Outages;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * With {@code nats_stream} set, messages come from a durable JetStream consumer instead of core NATS, so
 * what is published while hukz is down waits in the stream. The {@code ingest-jetstream} route pulls through
 * {@link #pull} and hands each message to {@code seda:ingest}, the queue core NATS messages join too; each is
 * acked only once its batch is stored.
 * <p>
 * A pull asks for only as many messages as {@code seda:ingest} has room for, and none while the database is
 * unreachable: the stream keeps them meanwhile. Messages already taken are kept from redelivery by marking
 * them in progress. Each pull also checks that the durable consumer still exists; when it is gone (deleted
 * by an operator, a stream re-created) it is made again with the same name and settings, starting after the
 * last message hukz stored, and readiness answers 503 until then. (camel-nats 4.17's JetStream consumer
 * acks before the route runs and cannot do any of this, hence jnats here.)
 */
public final class JetStreamIngest implements Consumption {
    private static final Logger LOG = LoggerFactory.getLogger(JetStreamIngest.class);
    static final int CONSUMER_NOT_FOUND = 10014;
    static final int STREAM_NOT_FOUND = 10059;
    private static final int MAX_PULL = 256;
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** Unanswered JetStream requests in a row, on a connection that says it is connected, before reconnecting. */
    private static final int UNANSWERED_BEFORE_RECONNECT = 2;
    private static final long RECONNECT_SPACING_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** After a lost consumer, how long to wait before making it again. */
    private static final long REBIND_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Connection connection;
    private final String stream;
    private final String durable;
    private final String subject;
    private final Duration ackWait;
    private final IngestBuffer buffer;
    private final OutageTracker database;
    private final DispatchMetrics metrics;
    /** Messages taken and not yet stored, by stream sequence: kept in progress, and where to resume from. */
    private final ConcurrentSkipListMap<Long, Message> taken = new ConcurrentSkipListMap<>();
    private volatile long lastStored;
    private volatile String problem = "starting";
    private volatile long lastPullNanos = System.nanoTime();
    // The rest is only used by the route's one thread.
    private ConsumerContext consumer;
    private boolean everBound;
    private long lastCheck;
    private long lastTouch = System.nanoTime();
    private long rebindAt = System.nanoTime();
    private boolean lossReported;
    private int unanswered;
    private long lastForcedReconnect = System.nanoTime() - RECONNECT_SPACING_NANOS;

    public JetStreamIngest(Connection connection, String stream, String durable, String subject, Duration ackWait,
                           IngestBuffer buffer, OutageTracker database, DispatchMetrics metrics) {
        this.connection = connection;
        this.stream = stream;
        this.durable = durable;
        this.subject = subject;
        this.ackWait = ackWait;
        this.buffer = buffer;
        this.database = database;
        this.metrics = metrics;
    }

    @Override
    public String problem() {
        String p = problem;
        if (p == null && System.nanoTime() - lastPullNanos > STALL_NANOS) {
            return "durable consumer " + durable + " is not being pulled";
        }
        return p;
    }

    /**
     * One pull, from the {@code ingest-jetstream} route: the messages of one pull request, handed over as they
     * arrive (the route splits them into {@code seda:ingest}), at most as many as fit there now. Null when no pull
     * was made: no room, the database away (the stream keeps the messages; taking more would only let them time
     * out in memory), or no consumer yet; the route then waits before the next one. On the way the durable
     * consumer is made or checked, and the messages taken are kept in progress.
     */
    public Iterator<IncomingMessage> pull() {
        lastPullNanos = System.nanoTime();
        try {
            if (consumer == null) {
                if (System.nanoTime() - rebindAt < 0) {
                    return null;
                }
                consumer = bind(everBound);
                everBound = true;
                unanswered = 0;
                lastCheck = System.nanoTime();
                problem = null;
            }
            if (System.nanoTime() - lastTouch > ackWait.toNanos() / 3) {
                keepTakenInProgress();
                lastTouch = System.nanoTime();
            }
            if (System.nanoTime() - lastCheck > CHECK_NANOS) {
                consumer.getConsumerInfo();
                lastCheck = System.nanoTime();
                unanswered = 0;
            }
            int room = Math.min(MAX_PULL, buffer.room());
            if (database.isDown() || room <= 0) {
                return null;
            }
            return new Pull(consumer.fetch(FetchConsumeOptions.builder().maxMessages(room).expiresIn(1000).build()));
        } catch (Exception | Error e) {
            pullFailed(e);
            return null;
        }
    }

    /** The messages of one fetch, as the server sends them; a failure ends it and is handled as any pull failure. */
    private final class Pull implements Iterator<IncomingMessage>, Closeable {
        private final FetchConsumer fetch;
        private IncomingMessage next;
        private boolean done;

        Pull(FetchConsumer fetch) {
            this.fetch = fetch;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done) {
                try {
                    Message message = fetch.nextMessage();
                    lastPullNanos = System.nanoTime();
                    if (message == null) {
                        unanswered = 0;
                        close();
                    } else {
                        next = handle(message);
                    }
                } catch (Exception | Error e) {
                    close();
                    pullFailed(e);
                }
            }
            return next != null;
        }

        @Override
        public IncomingMessage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            IncomingMessage m = next;
            next = null;
            return m;
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                try {
                    fetch.close();
                } catch (Exception e) {
                    // the fetch is over either way; a failure to end it cleanly leaves nothing to undo
                    LOG.debug("closing a JetStream fetch: {}", e.toString());
                }
            }
        }
    }

    /** A pull that failed: the consumer is checked (and made again when it is gone) after a pause. */
    private void pullFailed(Throwable e) {
        consumer = null;
        if (e instanceof JetStreamApiException api) {
            lost(api.getApiErrorCode() == CONSUMER_NOT_FOUND ? "durable consumer " + durable + " not found"
                    : api.getApiErrorCode() == STREAM_NOT_FOUND ? "stream " + stream + " not found"
                    : "JetStream answered: " + api.getErrorDescription());
        } else if (e instanceof InterruptedException) {
            // jnats interrupts a wait on a subscription it closes (a reconnect): the route pulls again, not interrupted.
            Thread.interrupted();
            lost("pull interrupted");
        } else if (e instanceof RuntimeException || e instanceof Error) {
            if (!Outages.isOutage(e)) {
                LOG.error("pulling from JetStream stream {} failed; trying again", stream, e);
            }
            lost("pull failed (" + Outages.describe(e) + ")");
        } else if (connection.getStatus() != Connection.Status.CONNECTED) {
            // No answer (NATS unreachable) or a pull the server ended (consumer deleted): check it again.
            lost("NATS " + String.valueOf(connection.getStatus()).toLowerCase());
        } else {
            lost("durable consumer " + durable + " is not answering (" + Outages.describe(e) + ")");
            if (e instanceof TimeoutException || e instanceof IOException) {
                unansweredWhileConnected();
            }
        }
    }

    /**
     * A connection that says it is connected yet gets no answer to anything hukz asks JetStream is one whose
     * requests never leave: jnats 2.24's reconnect can leave its writer waiting for the end of a reconnect that
     * already ended (old reader/writer threads it gives a second to stop outlive it on a busy machine), after
     * which everything hukz sends stays queued while the server answers other clients. Reconnecting again
     * starts a fresh writer (a forced reconnect can come back the same way, so this goes on while it lasts); it is
     * done at most every 30 s so that a server whose JetStream is down is not reconnected to in a loop.
     */
    private void unansweredWhileConnected() {
        if (++unanswered < UNANSWERED_BEFORE_RECONNECT || System.nanoTime() - lastForcedReconnect < RECONNECT_SPACING_NANOS) {
            return;
        }
        unanswered = 0;
        lastForcedReconnect = System.nanoTime();
        LOG.warn("JetStream has not answered hukz's NATS connection {} times in a row although it is connected; reconnecting to NATS",
                UNANSWERED_BEFORE_RECONNECT);
        try {
            connection.forceReconnect();
        } catch (IOException e) {
            LOG.warn("reconnecting to NATS failed ({}); jnats goes on trying", Outages.describe(e));
        } catch (InterruptedException e) {
            // as for a pull: the route goes on pulling, its thread not left interrupted
            Thread.interrupted();
        }
    }

    /** One WARN per loss of the consumer; a NATS outage is already reported by the NATS outage tracker. */
    private void lost(String why) {
        if (!lossReported && connection.getStatus() == Connection.Status.CONNECTED) {
            lossReported = true;
            LOG.warn("not consuming JetStream stream {}: {}; trying to remake the consumer", stream, why);
        }
        problem = why;
        rebindAt = System.nanoTime() + REBIND_PAUSE_NANOS;
    }

    /**
     * The durable consumer as it is when it exists; made when it does not: the first time from the stream's
     * start, after a loss from the first message hukz has not stored.
     */
    private ConsumerContext bind(boolean wasBound) throws Exception {
        var jsm = connection.jetStreamManagement();
        try {
            jsm.getConsumerInfo(stream, durable);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) {
                throw e;
            }
            long resumeAt = resumePoint();
            ConsumerConfiguration.Builder config = ConsumerConfiguration.builder()
                    .durable(durable)
                    .ackPolicy(AckPolicy.Explicit)
                    .ackWait(ackWait)
                    .maxAckPending(10_000);
            if (resumeAt > 0) {
                config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(resumeAt);
            } else {
                config.deliverPolicy(DeliverPolicy.All);
            }
            if (!subject.equals(">")) {
                config.filterSubject(subject);
            }
            try {
                jsm.createConsumer(stream, config.build());
            } catch (JetStreamApiException raced) {
                // Another instance made it first; use theirs.
                jsm.getConsumerInfo(stream, durable);
            }
            if (wasBound) {
                LOG.info("re-created durable consumer {} of stream {}, from stream sequence {}", durable, stream, Math.max(1, resumeAt));
                lossReported = false;
            }
        }
        ConsumerContext context = connection.getStreamContext(stream).getConsumerContext(durable);
        if (!wasBound || lossReported) {
            LOG.info("consuming JetStream stream {} through durable consumer {}", stream, durable);
            lossReported = false;
        }
        return context;
    }

    /** The first stream sequence not stored yet: the oldest one taken, else the one after the last stored. */
    private long resumePoint() {
        var oldest = taken.firstEntry();
        if (oldest != null) {
            return oldest.getKey();
        }
        return lastStored == 0 ? 0 : lastStored + 1;
    }

    /** The message to store, or null for a redelivery of one still waiting here (acked through the newest). */
    private IncomingMessage handle(Message message) {
        long sequence = message.metaData().streamSequence();
        if (message.metaData().deliveredCount() > 1) {
            metrics.messageRedelivered();
        }
        if (taken.put(sequence, message) != null) {
            return null;
        }
        String id = null;
        List<String> tags = List.of();
        Headers headers = message.getHeaders();
        if (headers != null) {
            List<String> ids = headers.get(Ingest.MSG_ID_HEADER);
            id = ids == null || ids.isEmpty() ? null : ids.get(0);
            List<String> tagValues = headers.get(Ingest.TAG_HEADER);
            tags = tagValues == null ? List.of() : List.copyOf(tagValues);
        }
        return buffer.taken(new IncomingMessage(message.getSubject(), message.getData(), id, tags,
                () -> stored(sequence, message), () -> failed(sequence, message)));
    }

    private void stored(long sequence, Message first) {
        Message latest = taken.remove(sequence);
        (latest == null ? first : latest).ack();
        if (sequence > lastStored) {
            lastStored = sequence;
        }
    }

    private void failed(long sequence, Message first) {
        Message latest = taken.remove(sequence);
        (latest == null ? first : latest).nakWithDelay(Duration.ofSeconds(1));
    }

    /** Messages waiting for the database are not due for redelivery: tell the server they are in progress. */
    private void keepTakenInProgress() {
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        for (Message m : taken.values()) {
            m.inProgress();
        }
    }
}
