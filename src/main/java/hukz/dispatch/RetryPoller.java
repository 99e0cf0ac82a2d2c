package hukz.dispatch;

import hukz.health.OutageTracker;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.WebhookStore;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes due deliveries (retries, and any left pending by a crash or restart) from the database and leases
 * them to this instance. Rows locked by another instance are skipped, so each is attempted once.
 */
public final class RetryPoller {
    private final DeliveryStore deliveries;
    private final WebhookStore webhooks;
    private final WebhookDirectory directory;
    private final Attempt attempt;
    private final AttemptRecorder recorder;
    private final Duration lease;
    private final String queueUri;
    private final OutageTracker database;

    public RetryPoller(DeliveryStore deliveries, WebhookStore webhooks, WebhookDirectory directory, Attempt attempt,
                       AttemptRecorder recorder, Duration lease, String queueUri, OutageTracker database) {
        this.database = database;
        this.queueUri = queueUri;
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.directory = directory;
        this.attempt = attempt;
        this.recorder = recorder;
        this.lease = lease;
    }

    /**
     * Due deliveries of enabled webhooks, as many as the delivery queue has room for; those of disabled or
     * deleted webhooks fail here.
     */
    public List<DeliveryTask> claim(Exchange exchange) {
        SedaEndpoint queue = exchange.getContext().getEndpoint(queueUri, SedaEndpoint.class);
        try {
            List<DeliveryTask> tasks = new ArrayList<>(claim(queue.getSize() - queue.getCurrentQueueSize() - 100));
            database.up();
            // Claimed again because its lease ran out while its outcome waited for the database: the outcome
            // decides, and the renewed lease keeps it from being taken meanwhile.
            tasks.removeIf(t -> recorder.awaitsRecording(t.delivery().id()));
            return tasks;
        } catch (RuntimeException e) {
            // An outage is reported once by the tracker; the next tick tries again.
            if (database.failed(e)) {
                return List.of();
            }
            throw e;
        }
    }

    public List<DeliveryTask> claim(int room) {
        if (room <= 0) {
            return List.of();
        }
        List<DeliveryTask> tasks = new ArrayList<>();
        for (Delivery d : deliveries.claimDue(Math.min(room, 500), lease)) {
            var webhook = directory.enabled(d.webhookId());
            if (webhook != null) {
                tasks.add(new DeliveryTask(d, webhook));
            } else {
                webhooks.findIncludingDeleted(d.webhookId()).ifPresent(w ->
                        recorder.record(attempt.refusedFinally(new DeliveryTask(d, w), "webhook is disabled or deleted")));
            }
        }
        return tasks;
    }
}
