package hukz.dispatch;

import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.NewDelivery;
import hukz.store.Webhook;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns one NATS message into stored deliveries: match webhooks, build the envelope, store one pending
 * delivery per webhook. It never waits on a receiver: the attempts run elsewhere from what it returns.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    public static final String MSG_ID_HEADER = "Nats-Msg-Id";
    public static final String TAG_HEADER = "Hukz-Tag";

    private final WebhookDirectory directory;
    private final DeliveryStore deliveries;
    private final Duration lease;
    private final DispatchMetrics metrics;

    public Ingest(WebhookDirectory directory, DeliveryStore deliveries, Duration lease, DispatchMetrics metrics) {
        this.directory = directory;
        this.deliveries = deliveries;
        this.lease = lease;
        this.metrics = metrics;
    }

    /** The route's filter: whether the message's subject is one hukz consumes. */
    public boolean consumes(@Header("CamelNatsSubject") String subject) {
        return isConsumable(subject);
    }

    /** Subjects hukz never consumes: replies and the server's own. */
    public static boolean isConsumable(String subject) {
        return subject != null && !subject.startsWith("_INBOX.") && !subject.startsWith("$");
    }

    /** Stores the message's deliveries and returns them with their webhooks, ready to attempt. */
    public List<DeliveryTask> store(Exchange exchange) {
        String subject = exchange.getMessage().getHeader("CamelNatsSubject", String.class);
        byte[] data = exchange.getMessage().getBody(byte[].class);
        return store(subject, data == null ? new byte[0] : data,
                single(exchange.getMessage().getHeader(MSG_ID_HEADER)), all(exchange.getMessage().getHeader(TAG_HEADER)));
    }

    public List<DeliveryTask> store(String subject, byte[] data, String natsMessageId, List<String> tagHeaders) {
        metrics.messageConsumed();
        if (!isConsumable(subject)) {
            return List.of();
        }
        if (data.length > MAX_MESSAGE_BYTES) {
            LOG.warn("skipped message on {}: {} bytes is over the {} byte limit", subject, data.length, MAX_MESSAGE_BYTES);
            return List.of();
        }
        Map<String, String> requiredTags = new LinkedHashMap<>();
        for (String tag : tagHeaders) {
            int colon = tag.indexOf(':');
            if (colon <= 0) {
                LOG.warn("skipped message on {}: malformed {} header (expected key:value)", subject, TAG_HEADER);
                return List.of();
            }
            requiredTags.put(tag.substring(0, colon).trim(), tag.substring(colon + 1).trim());
        }
        List<Webhook> webhooks = directory.match(subject, requiredTags);
        if (webhooks.isEmpty()) {
            return List.of();
        }
        String messageId = natsMessageId == null || natsMessageId.isBlank() ? "msg_" + UUID.randomUUID() : natsMessageId.trim();
        Instant now = Instant.now();
        String envelope = Envelope.build(messageId, subject, data, now);
        List<NewDelivery> rows = new ArrayList<>(webhooks.size());
        for (Webhook w : webhooks) {
            rows.add(new NewDelivery(w.id(), messageId, subject, envelope));
        }
        List<Delivery> stored = deliveries.storeMessage(natsMessageId == null || natsMessageId.isBlank() ? null : messageId,
                rows, now.plus(lease));
        metrics.deliveriesCreated(stored.size());
        Map<Long, Webhook> byId = new HashMap<>();
        webhooks.forEach(w -> byId.put(w.id(), w));
        List<DeliveryTask> tasks = new ArrayList<>(stored.size());
        for (Delivery d : stored) {
            tasks.add(new DeliveryTask(d, byId.get(d.webhookId())));
        }
        return tasks;
    }

    private static String single(Object header) {
        List<String> values = all(header);
        return values.isEmpty() ? null : values.get(0);
    }

    /** camel-nats gives a header as a string or as the list of its values. */
    private static List<String> all(Object header) {
        if (header == null) {
            return List.of();
        }
        if (header instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(header));
    }
}
