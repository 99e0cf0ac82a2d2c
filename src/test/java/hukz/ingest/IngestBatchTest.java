package hukz.ingest;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingest route's batch: the message its consumer took and what waits behind it in seda:ingest, in order, never more
 * than 500 nor more than ingest_buffer messages.
 */
class IngestBatchTest {
    private final CamelContext camel = new DefaultCamelContext();
    private SedaEndpoint queue;

    @BeforeEach
    void start() {
        camel.start();
        queue = camel.getEndpoint("seda:ingest?size=1000", SedaEndpoint.class);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private Exchange message(int n) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setBody(new IncomingMessage("a.b", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8), null, List.of(),
                () -> { }, () -> { }));
        return e;
    }

    /** The exchange the route's consumer took: the first message, from seda:ingest; {@code waiting} more queued behind it. */
    private Exchange taken(int waiting) {
        Exchange first = message(0);
        first.getExchangeExtension().setFromEndpoint(queue);
        for (int n = 1; n <= waiting; n++) {
            queue.getQueue().add(message(n));
        }
        return first;
    }

    private static List<String> payloads(Exchange batch) {
        return batch.getMessage().getBody(List.class).stream()
                .map(m -> new String(((IncomingMessage) m).data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void theMessageTakenAndEveryOneWaitingBehindItInOrder() {
        Exchange batch = taken(3);
        new IngestBatch(new IngestBuffer(1000, null, null)).process(batch);
        assertThat(payloads(batch)).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        assertThat(queue.getQueue()).isEmpty();
    }

    @Test
    void aBatchHoldsAtMostTheBuffersSize() {
        Exchange batch = taken(4);
        new IngestBatch(new IngestBuffer(3, null, null)).process(batch);
        assertThat(payloads(batch)).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
        assertThat(queue.getQueue()).as("left for the next batch").hasSize(2);
    }

    @Test
    void aBatchHoldsAtMostFiveHundred() {
        Exchange batch = taken(600);
        new IngestBatch(new IngestBuffer(1000, null, null)).process(batch);
        assertThat(payloads(batch)).hasSize(IngestBatch.MAX).endsWith("{\"n\":499}");
        assertThat(queue.getQueue()).hasSize(101);
    }
}
