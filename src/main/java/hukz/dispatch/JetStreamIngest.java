package hukz.dispatch;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * With {@code nats_stream} set, messages come from a durable JetStream consumer instead of core NATS, so
 * what is published while hukz is down waits in the stream. Each message joins the same ingest queue as
 * core NATS messages and is acked only once its batch is stored; a failure naks it for redelivery.
 * (camel-nats 4.17's JetStream consumer acks before the route runs, hence jnats here.)
 */
public final class JetStreamIngest {
    private static final Logger LOG = LoggerFactory.getLogger(JetStreamIngest.class);

    private final Connection connection;
    private final String stream;
    private final String durable;
    private final String subject;
    private final Duration ackWait;
    private final IngestQueue ingestQueue;
    private volatile MessageConsumer consumer;

    public JetStreamIngest(Connection connection, String stream, String durable, String subject, Duration ackWait,
                           IngestQueue ingestQueue) {
        this.connection = connection;
        this.stream = stream;
        this.durable = durable;
        this.subject = subject;
        this.ackWait = ackWait;
        this.ingestQueue = ingestQueue;
    }

    /** Called by its route once the routes are up. */
    public void begin(Exchange exchange) throws IOException, JetStreamApiException {
        ingestQueue.start(exchange.getContext());
        StreamContext streamContext = connection.getStreamContext(stream);
        ConsumerConfiguration.Builder config = ConsumerConfiguration.builder()
                .durable(durable)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(ackWait)
                .maxAckPending(10_000);
        if (!subject.equals(">")) {
            config.filterSubject(subject);
        }
        ConsumerContext consumerContext = streamContext.createOrUpdateConsumer(config.build());
        consumer = consumerContext.consume(this::handle);
        LOG.info("consuming JetStream stream {} through durable consumer {}", stream, durable);
    }

    private void handle(Message message) {
        String id = null;
        List<String> tags = List.of();
        Headers headers = message.getHeaders();
        if (headers != null) {
            List<String> ids = headers.get(Ingest.MSG_ID_HEADER);
            id = ids == null || ids.isEmpty() ? null : ids.get(0);
            List<String> tagValues = headers.get(Ingest.TAG_HEADER);
            tags = tagValues == null ? List.of() : List.copyOf(tagValues);
        }
        ingestQueue.put(new IncomingMessage(message.getSubject(), message.getData(), id, tags, message::ack,
                () -> message.nakWithDelay(Duration.ofSeconds(1))));
    }

    /** Stops taking messages; those not yet acked are redelivered to whichever instance asks next. */
    public void stop() {
        MessageConsumer c = consumer;
        if (c != null) {
            try {
                c.stop();
                c.close();
            } catch (Exception e) {
                LOG.debug("closing JetStream consumer: {}", e.getMessage());
            }
        }
    }
}
