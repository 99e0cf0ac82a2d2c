package hukz.ingest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.seda.SedaEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The ingest route's batch, and the route's one step into Java before storing: the message its consumer took from
 * {@code seda:ingest} and those waiting behind it in the same queue become one list of plain {@link IncomingMessage}s
 * on that exchange (a core NATS message is read from its exchange here, see {@link IngestBuffer#of}). The batch ends
 * when nothing more waits, at {@link #MAX}, or once it holds {@code ingest_buffer} messages: while the database is
 * away the batch being stored waits with the queue, so what hukz holds stays within twice the buffer rather than the
 * buffer plus 500.
 *
 * <p>It replaced Camel's {@code aggregate} (with this class as its strategy), which for every message copied its
 * exchange once more, took the aggregation's lock and looked the batch up in its repository, as the record route's
 * batch had before it ({@code record/RecordBatch}). Only the route's one consumer takes from the queue, so what is taken
 * here is what it would have taken next; nothing is held between batches.
 */
public final class IngestBatch implements Processor {
    /** At most this many messages in one batch (one statement stores them all). */
    public static final int MAX = 500;
    private final IngestBuffer buffer;

    public IngestBatch(IngestBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public void process(Exchange exchange) {
        int max = Math.min(MAX, buffer.capacity());
        List<IncomingMessage> batch = new ArrayList<>();
        batch.add(buffer.of(exchange));
        if (exchange.getFromEndpoint() instanceof SedaEndpoint seda) {
            BlockingQueue<Exchange> queue = seda.getQueue();
            Exchange next;
            while (batch.size() < max && (next = queue.poll()) != null) {
                batch.add(buffer.of(next));
                // what the message's exchange was to do when done (none on hukz's routes today) is done with the batch
                next.getExchangeExtension().handoverCompletions(exchange);
            }
        }
        exchange.getMessage().setBody(batch);
    }
}
