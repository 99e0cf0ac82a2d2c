package hukz.retry;

import hukz.attempt.Attempt;
import hukz.attempt.DeliveryTask;
import hukz.health.OutageTracker;
import hukz.ingest.WebhookDirectory;
import hukz.policy.FlowControl;
import hukz.record.AttemptRecorder;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.FlowStore;
import hukz.store.WebhookStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Takes due deliveries (retries, deliveries flow control left waiting, and any left pending by a crash or
 * restart) from the database and leases them to this instance. Rows locked by another instance are skipped,
 * so each is attempted once. Probes of open circuits are claimed here too, one per circuit across instances.
 */
public final class RetryPoller {
    private final DeliveryStore deliveries;
    private final WebhookStore webhooks;
    private final FlowStore flow;
    private final WebhookDirectory directory;
    private final FlowControl flowControl;
    private final Attempt attempt;
    private final AttemptRecorder recorder;
    private final Duration lease;
    private final OutageTracker database;

    public RetryPoller(DeliveryStore deliveries, WebhookStore webhooks, FlowStore flow, WebhookDirectory directory,
                       FlowControl flowControl, Attempt attempt, AttemptRecorder recorder, Duration lease,
                       OutageTracker database) {
        this.database = database;
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.flow = flow;
        this.directory = directory;
        this.flowControl = flowControl;
        this.attempt = attempt;
        this.recorder = recorder;
        this.lease = lease;
    }

    /** At most this many due deliveries are claimed by one poll (the next poll takes more). */
    public static final int CLAIM_LIMIT = 500;

    /**
     * Due deliveries of enabled webhooks that flow control lets go now, up to {@link #CLAIM_LIMIT}; those of
     * disabled or deleted webhooks fail here.
     */
    public List<DeliveryTask> claim() {
        flowControl.refillBegins();
        List<DeliveryTask> going = new ArrayList<>();
        try {
            // lines too: a slot may have been freed just before its webhook's line formed, with no refill woken for it
            fromLines(going);
            going.addAll(claimDue());
            database.up();
        } catch (RuntimeException e) {
            // An outage is reported once by the tracker; the next tick tries again. What the lines gave holds its
            // slots already: it goes.
            if (!database.failed(e)) {
                throw e;
            }
        }
        return going;
    }

    private List<DeliveryTask> claimDue() {
        List<DeliveryTask> tasks = new ArrayList<>(probes());
        List<Long> full = flowControl.full();
        Set<Long> leftBehind = new HashSet<>(full);
        List<Delivery> claimed = deliveries.claimDue(CLAIM_LIMIT, lease, full, flowControl::inFlight, leftBehind);
        // their next freed slot takes the next of their due deliveries at once (a refill that finds none ends it)
        flowControl.waiting(leftBehind);
        for (Delivery d : claimed) {
            // one claimed again because its lease ran out while its outcome waited for the database is left alone:
            // the outcome decides, and the renewed lease keeps it from being taken meanwhile
            if (!recorder.awaitsRecording(d.id())) {
                attemptOrFail(d, tasks);
            }
        }
        return flowControl.admit(tasks);
    }

    /**
     * A slot of a webhook with deliveries waiting for it was freed: takes the next deliveries of the webhooks with
     * a line or a backlog, as many as they have free slots, at once rather than at the next poll — first from the
     * webhook's line in memory, then what waits due in the database. A webhook whose due deliveries all fit has no
     * backlog any more.
     */
    public List<DeliveryTask> refill() {
        flowControl.refillBegins();
        List<Long> backlogged = flowControl.backlogged();
        if (backlogged.isEmpty() && flowControl.lined().isEmpty()) {
            return List.of();
        }
        List<DeliveryTask> going = new ArrayList<>();
        try {
            fromLines(going);
            going.addAll(refillFromDatabase(backlogged));
        } catch (RuntimeException e) {
            // What the lines gave holds its slots already: it goes. An outage is reported once by the tracker, and
            // the lines and the backlog wait for the next refill or tick; thrown, it would be a stack trace per
            // wake-up (the refill route has Camel's default error handler), all through the outage. The lines need
            // the database too: a stale routing table is reloaded, and admission reads open circuits.
            if (!database.failed(e)) {
                throw e;
            }
        }
        return going;
    }

    /** The slots the lines left free go to what waits due in the database. */
    private List<DeliveryTask> refillFromDatabase(List<Long> backlogged) {
        List<DeliveryTask> tasks = new ArrayList<>();
        Map<Long, Integer> slots = new HashMap<>();
        for (long webhookId : backlogged) {
            var webhook = directory.enabled(webhookId);
            if (webhook == null) {
                flowControl.drained(webhookId);
                continue;
            }
            int free = webhook.maxInFlight() - flowControl.inFlight(webhookId);
            if (free > 0) {
                slots.put(webhookId, free);
            }
        }
        if (!slots.isEmpty()) {
            Map<Long, Integer> got = new HashMap<>();
            for (Delivery d : deliveries.claimDueOf(slots, lease)) {
                got.merge(d.webhookId(), 1, Integer::sum);
                attemptOrFail(d, tasks);
            }
            slots.forEach((webhookId, free) -> {
                if (got.getOrDefault(webhookId, 0) < free) {
                    flowControl.drained(webhookId);
                }
            });
        }
        return flowControl.admit(tasks);
    }

    /**
     * The first deliveries of each webhook's line, as many as it has free slots, admitted (they hold their slots),
     * added to {@code going} webhook by webhook: when a later webhook's fails (the database away), those admitted
     * before still go. A line of a webhook disabled or deleted meanwhile goes back to the database, due, where the
     * poller fails its deliveries.
     */
    private void fromLines(List<DeliveryTask> going) {
        for (long webhookId : flowControl.lined()) {
            var webhook = directory.enabled(webhookId);
            if (webhook == null) {
                flowControl.returnLine(webhookId);
                continue;
            }
            going.addAll(flowControl.serveLine(webhook));
        }
    }

    /** A claimed delivery of an enabled webhook is attempted; one of a disabled or deleted webhook fails here. */
    private void attemptOrFail(Delivery d, List<DeliveryTask> tasks) {
        var webhook = directory.enabled(d.webhookId());
        if (webhook != null) {
            tasks.add(new DeliveryTask(d, webhook));
        } else {
            webhooks.findIncludingDeleted(d.webhookId()).ifPresent(w ->
                    recorder.record(attempt.refusedFinally(new DeliveryTask(d, w), "webhook is disabled or deleted")));
        }
    }

    /** One delivery for each open circuit whose cool-down is over and that this instance claimed the probe of. */
    private List<DeliveryTask> probes() {
        List<DeliveryTask> probes = new ArrayList<>();
        for (long webhookId : flow.claimProbes(lease)) {
            var webhook = directory.enabled(webhookId);
            var delivery = webhook == null ? Optional.<Delivery>empty() : deliveries.claimProbe(webhookId, lease);
            if (delivery.isPresent()) {
                probes.add(new DeliveryTask(delivery.get(), webhook, true));
            } else {
                flow.releaseProbe(webhookId);
            }
        }
        return probes;
    }
}
