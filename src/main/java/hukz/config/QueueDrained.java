package hukz.config;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.component.seda.SedaEndpoint;

/**
 * The batching routes' completion check: true when nothing more waits in the seda queue the exchange came from,
 * so a batch is complete as soon as its consumer has taken everything there is. The routes name it
 * ({@code completionPredicate: {ref: queueDrained}}) rather than say it in Simple
 * ({@code ${exchange.fromEndpoint.currentQueueSize} == 0}): the same test, but Simple's OGNL makes a reflective
 * bean call of every step per message, which cost a tenth of the ingest and record threads' time.
 */
public final class QueueDrained implements Predicate {
    @Override
    public boolean matches(Exchange exchange) {
        return !(exchange.getFromEndpoint() instanceof SedaEndpoint queue) || queue.getCurrentQueueSize() == 0;
    }
}
