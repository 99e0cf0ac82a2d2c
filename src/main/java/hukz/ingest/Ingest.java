package hukz.ingest;

import hukz.attempt.DeliveryTask;
import hukz.health.DispatchMetrics;
import hukz.health.OutageTracker;
import hukz.policy.FlowControl;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.NewMessage;
import hukz.store.Webhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one NATS message into stored deliveries: match webhooks, build the envelope, store one pending
 * delivery per webhook. It never waits on a receiver: the attempts run elsewhere from what it returns.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    public static final String MSG_ID_HEADER = "Nats-Msg-Id";
    public static final String TAG_HEADER = "Hukz-Tag";
    public static final int MAX_MESSAGE_ID_LENGTH = 255;

    private final WebhookDirectory directory;
    private final DeliveryStore deliveries;
    private final Duration lease;
    private final DispatchMetrics metrics;
    private final FlowControl flowControl;
    private final OutageTracker database;

    public Ingest(WebhookDirectory directory, DeliveryStore deliveries, Duration lease, DispatchMetrics metrics, FlowControl flowControl,
                  OutageTracker database) {
        this.directory = directory;
        this.flowControl = flowControl;
        this.deliveries = deliveries;
        this.lease = lease;
        this.metrics = metrics;
        this.database = database;
    }

    /** Subjects hukz never consumes: replies and the server's own. */
    public static boolean isConsumable(String subject) {
        return subject != null && !subject.startsWith("_INBOX.") && !subject.startsWith("$");
    }

    /**
     * A Nats-Msg-Id hukz can keep and send as {@code webhook-id}: 1 to 255 printable ASCII characters. Longer
     * ones cannot be indexed for the 24-hour dedup, and others are not legal in an HTTP header.
     */
    public static boolean isValidMessageId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_MESSAGE_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stores the deliveries of a batch of messages in one transaction and returns those flow control lets go now,
     * with their webhooks, ready to attempt (the others wait in the database, due). Messages that are skipped
     * (ignored subject, too big, malformed headers, no webhook) produce nothing. Once the transaction is committed
     * every message of the batch is done with: its {@code onStored} runs (JetStream acks there).
     */
    public List<DeliveryTask> store(List<IncomingMessage> batch) {
        List<DeliveryTask> tasks = storeDeliveries(batch);
        for (IncomingMessage m : batch) {
            m.onStored().run();
        }
        return admit(tasks);
    }

    /**
     * What flow control lets go now. The deliveries are committed by then, leased to this instance: if flow control
     * fails (the database went away, or a bug), none goes now and each is attempted once its lease runs out. The
     * error must not reach the route: its error handling would store the messages again.
     */
    private List<DeliveryTask> admit(List<DeliveryTask> tasks) {
        try {
            return flowControl.admitNew(tasks);
        } catch (RuntimeException e) {
            if (!database.failed(e)) {
                LOG.error("could not hand {} stored deliveries on; they are attempted when their lease ends", tasks.size(), e);
            }
            return List.of();
        }
    }

    private List<DeliveryTask> storeDeliveries(List<IncomingMessage> batch) {
        Instant now = Instant.now();
        List<NewMessage> messages = new ArrayList<>(batch.size());
        for (IncomingMessage m : batch) {
            NewMessage prepared = prepare(m, now);
            if (prepared != null) {
                messages.add(prepared);
            }
        }
        if (messages.isEmpty()) {
            return List.of();
        }
        Map<Long, Integer> perWebhook = new HashMap<>();
        for (NewMessage m : messages) {
            m.webhooks().forEach(w -> perWebhook.merge(w.id(), 1, Integer::sum));
        }
        int created = perWebhook.values().stream().mapToInt(Integer::intValue).sum();
        // deliveries that flow control would hold back anyway are stored due, to wait in the database
        List<Delivery> stored = deliveries.storeMessages(messages, now.plus(lease), flowControl.room(perWebhook, directory));
        database.up();
        flowControl.stored(perWebhook, stored);
        metrics.deliveriesCreated(created);
        Map<Long, Webhook> byId = new HashMap<>();
        for (NewMessage m : messages) {
            m.webhooks().forEach(w -> byId.put(w.id(), w));
        }
        List<DeliveryTask> tasks = new ArrayList<>(stored.size());
        for (Delivery d : stored) {
            tasks.add(new DeliveryTask(d, byId.get(d.webhookId())));
        }
        return tasks;
    }

    /** One message's webhooks and envelope, or null when the message is skipped. */
    private NewMessage prepare(IncomingMessage m, Instant now) {
        String subject = m.subject();
        byte[] data = m.data() == null ? new byte[0] : m.data();
        if (!isConsumable(subject)) {
            return null;
        }
        metrics.messageConsumed();
        if (data.length > MAX_MESSAGE_BYTES) {
            LOG.warn("skipped message on {}: {} bytes is over the {} byte limit", subject, data.length, MAX_MESSAGE_BYTES);
            return null;
        }
        String givenId = m.natsMessageId() == null || m.natsMessageId().isBlank() ? null : m.natsMessageId().trim();
        if (givenId != null && !isValidMessageId(givenId)) {
            LOG.warn("skipped message on {}: malformed {} header (expected 1 to {} printable ASCII characters)", subject,
                    MSG_ID_HEADER, MAX_MESSAGE_ID_LENGTH);
            return null;
        }
        Map<String, String> requiredTags = new LinkedHashMap<>();
        for (String tag : m.tagHeaders()) {
            int colon = tag.indexOf(':');
            if (colon <= 0) {
                LOG.warn("skipped message on {}: malformed {} header (expected key:value)", subject, TAG_HEADER);
                return null;
            }
            requiredTags.put(tag.substring(0, colon).trim(), tag.substring(colon + 1).trim());
        }
        List<Webhook> webhooks = directory.match(subject, requiredTags);
        if (webhooks.isEmpty()) {
            // not a fault (most subjects may have no webhook), but the one trace of a message that reached hukz
            LOG.debug("no enabled webhook for the message on {}", subject);
            return null;
        }
        String messageId = givenId == null ? MessageIds.next() : givenId;
        return new NewMessage(messageId, givenId != null, subject, Envelope.build(messageId, subject, data, now), webhooks);
    }
}
