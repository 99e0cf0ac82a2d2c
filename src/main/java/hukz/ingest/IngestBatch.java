package hukz.ingest;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.seda.SedaEndpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The ingest route's batches, and the route's one step into Java before storing: each message taken from
 * {@code seda:ingest} joins the batch as a plain {@link IncomingMessage} (a core NATS message is read from its
 * exchange here, see {@link IngestBuffer#of}), and the batch is complete as soon as nothing more waits in the queue
 * (or at the route's completionSize, or once it holds {@code ingest_buffer} messages: while the database is away the
 * batch being stored waits with the queue, so what hukz holds stays within twice the buffer rather than the buffer
 * plus 500 — a burst faster than this thread took could otherwise fill one batch before the queue ever emptied).
 * Saying "nothing more waits" here rather than in a Simple completion predicate
 * ({@code ${exchange.fromEndpoint.currentQueueSize} == 0}, whose OGNL makes reflective bean calls per message) took
 * the largest single cost off the ingest thread: measured at 44 % of its time.
 */
public final class IngestBatch implements AggregationStrategy {
    private final IngestBuffer buffer;

    public IngestBatch(IngestBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange batch, Exchange next) {
        IncomingMessage message = buffer.of(next);
        Exchange answer = batch == null ? next : batch;
        List<IncomingMessage> messages;
        if (batch == null) {
            messages = new ArrayList<>();
            answer.getMessage().setBody(messages);
        } else {
            messages = answer.getMessage().getBody(List.class);
        }
        messages.add(message);
        if (messages.size() >= buffer.capacity()
                || next.getFromEndpoint() instanceof SedaEndpoint queue && queue.getCurrentQueueSize() == 0) {
            answer.setProperty(ExchangePropertyKey.AGGREGATION_COMPLETE_CURRENT_GROUP, true);
        }
        return answer;
    }
}
