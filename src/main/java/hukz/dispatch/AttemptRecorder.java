package hukz.dispatch;

import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.WebhookStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/** Commits an attempt (log row + delivery state) and acts on it: a 410 disables the webhook. */
public final class AttemptRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecorder.class);
    private final DeliveryStore deliveries;
    private final WebhookStore webhooks;
    private final WebhookDirectory directory;
    private final DispatchMetrics metrics;

    public AttemptRecorder(DeliveryStore deliveries, WebhookStore webhooks, WebhookDirectory directory, DispatchMetrics metrics) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.directory = directory;
        this.metrics = metrics;
    }

    public void record(AttemptRecord r) {
        deliveries.recordAttempt(r);
        metrics.attempt(Attempt.outcomeOf(r), Duration.ofMillis(r.durationMs()));
        if (r.responseStatusCode() == 410) {
            webhooks.disable(r.webhookId(), "receiver answered 410 Gone");
            directory.invalidate();
            LOG.info("webhook {} disabled: receiver answered 410 Gone", r.webhookId());
        }
        if (Delivery.FAILED.equals(r.status())) {
            LOG.info("delivery {} of webhook {} failed after {} attempt(s): {}", r.deliveryId(), r.webhookId(), r.attempt(), r.error());
        }
    }
}
