package hukz.ingest;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch of the ingest route never holds more than ingest_buffer messages. */
class IngestBatchTest {
    private final CamelContext camel = new DefaultCamelContext();

    private Exchange message(int n) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setBody(new IncomingMessage("a.b", ("{\"n\":" + n + "}").getBytes(), null, List.of(), () -> { }, () -> { }));
        return e;
    }

    @Test
    void aBatchIsCompleteOnceItHoldsTheBuffersSize() {
        IngestBatch batches = new IngestBatch(new IngestBuffer(3, null, null));
        Exchange batch = null;
        for (int n = 0; n < 3; n++) {
            batch = batches.aggregate(batch, message(n));
            boolean complete = batch.getProperty(ExchangePropertyKey.AGGREGATION_COMPLETE_CURRENT_GROUP, false, Boolean.class);
            assertThat(complete).as("after %d message(s)", n + 1).isEqualTo(n == 2);
        }
        assertThat(batch.getMessage().getBody(List.class)).hasSize(3);
    }
}
