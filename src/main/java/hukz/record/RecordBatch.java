package hukz.record;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The record route's batch (routes/record.camel.yaml): the outcome its consumer took from seda:record and those
 * waiting behind it in the same queue, up to {@link #MAX}, become one list on that exchange. So an idle hukz writes
 * each outcome at once and, under load, one statement serves hundreds of attempts, as the aggregator did that this
 * replaces — without it copying each outcome's exchange once more and asking its completion for every one (a
 * quarter of the delivery path's routing, timed alone in bench/path-cost).
 *
 * <p>Only the route's one consumer takes from the queue, so what is taken here is what it would have taken next.
 * Nothing is held between batches: a route reload or a shutdown finds every outcome not yet written in the queue.
 */
public final class RecordBatch implements Processor {
    /** At most this many outcomes in one statement. */
    public static final int MAX = 500;
    private final BlockingQueue<Exchange> queue;

    public RecordBatch(BlockingQueue<Exchange> queue) {
        this.queue = queue;
    }

    @Override
    public void process(Exchange exchange) {
        List<Object> batch = new ArrayList<>();
        batch.add(exchange.getMessage().getBody());
        Exchange next;
        while (batch.size() < MAX && (next = queue.poll()) != null) {
            batch.add(next.getMessage().getBody());
            // what the outcome's exchange was to do when done (none on hukz's routes today) is done with the batch
            next.getExchangeExtension().handoverCompletions(exchange);
        }
        exchange.getMessage().setBody(batch);
    }
}
