package hukz;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.seda.SedaEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The batches of a route that aggregates what it takes from a seda queue (ingest, record): each exchange joins the
 * batch as a plain value, read from it by {@code element}, in a list that becomes the batch's body, and the batch is
 * complete as soon as nothing more waits in the queue it came from (or at the route's completionSize).
 * <p>
 * Saying "nothing more waits" here rather than in a completion predicate is what makes it cheap per exchange: a
 * Simple predicate reading the queue's size through OGNL ({@code ${exchange.fromEndpoint.currentQueueSize}}) made
 * reflective calls for every message (44 % of the ingest thread's time), and one through the bean language
 * ({@code ${bean:recordQueue?method=isEmpty}}) copies the whole exchange before each call.
 */
public final class QueueBatch<T> implements AggregationStrategy {
    private final Function<Exchange, T> element;

    public QueueBatch(Function<Exchange, T> element) {
        this.element = element;
    }

    /** A batch of the exchanges' bodies, as they are. */
    public static QueueBatch<Object> ofBodies() {
        return new QueueBatch<>(e -> e.getMessage().getBody());
    }

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange batch, Exchange next) {
        T value = element.apply(next);
        Exchange answer = batch == null ? next : batch;
        List<T> values;
        if (batch == null) {
            values = new ArrayList<>();
            answer.getMessage().setBody(values);
        } else {
            values = answer.getMessage().getBody(List.class);
        }
        values.add(value);
        if (next.getFromEndpoint() instanceof SedaEndpoint queue && queue.getCurrentQueueSize() == 0) {
            answer.setProperty(ExchangePropertyKey.AGGREGATION_COMPLETE_CURRENT_GROUP, true);
        }
        return answer;
    }
}
