package hukz.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.ingest.Envelope;
import hukz.store.Webhook;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What an operator must know, published on NATS (SPEC §9) under {@code operator_subject_prefix}: any
 * application can subscribe, and a webhook registered for {@code hukz.>} receives them like any event. Each
 * carries a {@code Nats-Msg-Id} made from what it reports, so a repeat of the same fact is ignored.
 */
public final class OperatorEvents {
    public static final String CIRCUIT_OPENED = "webhook.circuit_opened";
    public static final String CIRCUIT_CLOSED = "webhook.circuit_closed";
    public static final String DISABLED = "webhook.disabled";
    public static final String DELIVERY_FAILED = "delivery.failed";
    private static final Logger LOG = LoggerFactory.getLogger(OperatorEvents.class);

    private final Connection nats;
    private final String prefix;

    public OperatorEvents(Connection nats, String prefix) {
        this.nats = nats;
        this.prefix = prefix;
    }

    /** Whether a delivery of this subject is itself an operator event: its fate never makes another one. */
    public boolean isOperatorEvent(String subject) {
        return !prefix.isEmpty() && subject != null && subject.startsWith(prefix);
    }

    /**
     * Publishes {@code prefix + type} about the webhook. {@code deliveryId} and {@code messageId} name the delivery
     * concerned, when there is one; {@code at} is when it happened and part of the message id.
     */
    public void publish(String type, Webhook w, Long deliveryId, String messageId, String reason, Instant at) {
        if (prefix.isEmpty() || w == null) {
            return;
        }
        ObjectNode body = Json.object();
        body.put("type", type);
        body.put("webhook_id", w.id());
        body.put("webhook_name", w.name());
        body.put("url", w.url());
        body.put("created_by_id", w.createdById());
        if (deliveryId == null) {
            body.putNull("delivery_id");
        } else {
            body.put("delivery_id", deliveryId);
        }
        body.put("message_id", messageId);
        body.put("reason", reason);
        body.put("at", Envelope.timestamp(at));
        String id = prefix + type + "." + w.id() + "." + (deliveryId == null ? "-" : deliveryId) + "." + at.toEpochMilli();
        Headers headers = new Headers();
        headers.add("Nats-Msg-Id", id);
        try {
            nats.publish(NatsMessage.builder().subject(prefix + type).headers(headers)
                    .data(Json.write(body).getBytes(StandardCharsets.UTF_8)).build());
        } catch (RuntimeException e) {
            LOG.warn("could not publish {}{} about webhook {}: {}", prefix, type, w.id(), e.getMessage());
        }
    }
}
