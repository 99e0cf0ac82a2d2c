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
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * With {@code nats_stream} set, messages come from a durable JetStream consumer instead of core NATS, so
 * what is published while hukz is down waits in the stream. Each message goes through the same
 * {@code direct:ingest} route and is acked only once that route has stored its deliveries; a failure naks
 * it for redelivery. (camel-nats 4.17's JetStream consumer acks before the route runs, hence jnats here.)
 */
public final class JetStreamIngest {
    private static final Logger LOG = LoggerFactory.getLogger(JetStreamIngest.class);
    public static final String INGEST_URI = "direct:ingest";

    private final Connection connection;
    private final String stream;
    private final String durable;
    private final String subject;
    private final Duration ackWait;
    private CamelContext context;
    private MessageConsumer consumer;
    private ProducerTemplate template;

    public JetStreamIngest(Connection connection, String stream, String durable, String subject, Duration ackWait) {
        this.connection = connection;
        this.stream = stream;
        this.durable = durable;
        this.subject = subject;
        this.ackWait = ackWait;
    }

    /** Called once the routes are up; from then on the context stops this consumer when it stops. */
    public void begin(Exchange exchange) throws Exception {
        this.context = exchange.getContext();
        consume();
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                stopConsuming();
            }
        }, true, true);
    }

    private void consume() throws IOException, JetStreamApiException {
        template = context.createProducerTemplate();
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
        Exchange result = template.send(INGEST_URI, exchange -> {
            exchange.getMessage().setBody(message.getData());
            exchange.getMessage().setHeader("CamelNatsSubject", message.getSubject());
            Headers headers = message.getHeaders();
            if (headers != null) {
                List<String> ids = headers.get(Ingest.MSG_ID_HEADER);
                if (ids != null && !ids.isEmpty()) {
                    exchange.getMessage().setHeader(Ingest.MSG_ID_HEADER, ids.get(0));
                }
                List<String> tags = headers.get(Ingest.TAG_HEADER);
                if (tags != null) {
                    exchange.getMessage().setHeader(Ingest.TAG_HEADER, List.copyOf(tags));
                }
            }
        });
        if (result.getException() == null) {
            message.ack();
        } else {
            LOG.warn("message on {} not stored, will be redelivered: {}", message.getSubject(), result.getException().getMessage());
            message.nakWithDelay(Duration.ofSeconds(1));
        }
    }

    private void stopConsuming() {
        if (consumer != null) {
            try {
                consumer.stop();
                consumer.close();
            } catch (Exception e) {
                LOG.debug("closing JetStream consumer: {}", e.getMessage());
            }
        }
    }
}
