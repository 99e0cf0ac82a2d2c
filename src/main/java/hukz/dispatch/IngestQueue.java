package hukz.dispatch;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Where messages wait between NATS and the database. The NATS thread only adds to it (it never waits on
 * the database or a receiver); one thread takes whatever has arrived and sends it as one batch through the
 * {@code direct:ingest} route, so hundreds of messages are stored in one transaction.
 */
public final class IngestQueue {
    private static final Logger LOG = LoggerFactory.getLogger(IngestQueue.class);
    public static final String INGEST_URI = "direct:ingest";
    private static final int MAX_TRIES = 6;
    private final BatchQueue<IncomingMessage> queue;
    private final DispatchMetrics metrics;
    private volatile ProducerTemplate template;

    public IngestQueue(int capacity, DispatchMetrics metrics) {
        this.queue = new BatchQueue<>("hukz-ingest", capacity, 500, this::write);
        this.metrics = metrics;
    }

    public synchronized void start(CamelContext context) {
        if (template == null) {
            template = context.createProducerTemplate();
            queue.start();
        }
    }

    /** From the core NATS route. A full queue drops the message with a warning, as NATS itself would. */
    public void offer(Exchange exchange) {
        start(exchange.getContext());
        if (!queue.offer(Ingest.fromExchange(exchange))) {
            metrics.messageDropped();
            LOG.warn("ingest queue full or closed: dropped a message on {}", exchange.getMessage().getHeader("CamelNatsSubject"));
        }
    }

    /** From JetStream: waits for room, since the message is only acked once stored. */
    public void put(IncomingMessage message) {
        if (!queue.put(message)) {
            message.onFailed().run();
        }
    }

    /** Stores the batch, retrying for a while when the database is unreachable. */
    private void write(List<IncomingMessage> batch) {
        List<IncomingMessage> copy = List.copyOf(batch);
        for (int tries = 1; ; tries++) {
            Exchange result = template.send(INGEST_URI, e -> e.getMessage().setBody(copy));
            if (result.getException() == null) {
                copy.forEach(m -> m.onStored().run());
                return;
            }
            if (tries == MAX_TRIES) {
                LOG.error("could not store {} message(s): {}", copy.size(), result.getException().getMessage());
                copy.forEach(m -> m.onFailed().run());
                return;
            }
            LOG.warn("could not store {} message(s), retrying: {}", copy.size(), result.getException().getMessage());
            try {
                Thread.sleep(500L * tries);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                copy.forEach(m -> m.onFailed().run());
                return;
            }
        }
    }

    /** Stops taking messages and stores those already taken; called while the routes still run. */
    public void close() {
        queue.close(15_000);
    }
}
