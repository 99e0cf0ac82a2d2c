package hukz.routes;

import hukz.attempt.DeliveryTask;
import hukz.store.Db;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.EventStore;
import hukz.store.NewMessage;
import hukz.store.Webhook;
import hukz.store.WebhookFields;
import hukz.store.WebhookStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An event, a webhook on it pointing at {@code url}, and deliveries stored leased: ready for an attempt. */
record StageFixture(DeliveryStore deliveries, Webhook webhook, String event) {
    static StageFixture create(Db db, String event, String url) {
        EventStore events = new EventStore(db);
        WebhookStore webhooks = new WebhookStore(db, events);
        long eventId = events.create(1, event, event, Map.of()).id();
        Webhook w = webhooks.create(1, new WebhookFields("stage test", url, true, List.of(eventId), Map.of("team", "core"), null,
                hukz.attempt.Signer.newSecret(), Map.of(), "json", null, 16));
        return new StageFixture(new DeliveryStore(db), w, event);
    }

    /** One message stored as a pending delivery leased to the caller, as ingest leaves it before the attempt. */
    DeliveryTask leased(String messageId, String payload) {
        List<Delivery> stored = deliveries.storeMessages(
                List.of(new NewMessage(messageId, false, event, payload, List.of(webhook))), Instant.now().plus(Duration.ofMinutes(1)), Map.of());
        return new DeliveryTask(stored.get(0), webhook);
    }
}
