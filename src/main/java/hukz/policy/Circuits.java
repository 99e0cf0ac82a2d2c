package hukz.policy;

import hukz.attempt.Attempt;
import hukz.ingest.Envelope;
import hukz.ingest.WebhookDirectory;
import hukz.store.AttemptRecord;
import hukz.store.CircuitState;
import hukz.store.DeliveryStore;
import hukz.store.FlowStore;
import hukz.store.Webhook;
import hukz.store.WebhookStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies committed attempts to their webhooks' circuits (SPEC §8) and disables webhooks: after a 410, or when
 * nothing has succeeded for {@code disable_after}. Publishes what changed as operator events (SPEC §9), except
 * what an operator event's own delivery caused.
 */
public final class Circuits {
    private static final Logger LOG = LoggerFactory.getLogger(Circuits.class);
    private final CircuitPolicy policy;
    private final Duration disableAfter;
    private final FlowStore flow;
    private final FlowControl flowControl;
    private final WebhookStore webhooks;
    private final DeliveryStore deliveries;
    private final WebhookDirectory directory;
    private final OperatorEvents events;

    public Circuits(CircuitPolicy policy, Duration disableAfter, FlowStore flow, FlowControl flowControl, WebhookStore webhooks,
                    DeliveryStore deliveries, WebhookDirectory directory, OperatorEvents events) {
        this.policy = policy;
        this.disableAfter = disableAfter;
        this.flow = flow;
        this.flowControl = flowControl;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.directory = directory;
        this.events = events;
    }

    /** A batch of attempts was committed: move each webhook's circuit by its attempts, in order. */
    public void afterAttempts(List<AttemptRecord> batch) {
        Map<Long, List<AttemptRecord>> byWebhook = new LinkedHashMap<>();
        for (AttemptRecord r : batch) {
            // a webhook disabled or deleted meanwhile has no circuit to keep
            if (r.deliveryId() != 0 && directory.enabled(r.webhookId()) != null) {
                byWebhook.computeIfAbsent(r.webhookId(), k -> new ArrayList<>()).add(r);
            }
        }
        Set<Long> open = flowControl.openCircuits();
        List<Long> succeeded = new ArrayList<>();
        byWebhook.forEach((webhookId, records) -> {
            boolean allSucceeded = records.stream().allMatch(r -> verdict(r) == CircuitPolicy.Verdict.SUCCESS);
            if (allSucceeded && !open.contains(webhookId)) {
                succeeded.add(webhookId);
            } else {
                apply(webhookId, records);
            }
        });
        // the common case, one statement for the whole batch
        flow.clearFailures(succeeded);
    }

    private void apply(long webhookId, List<AttemptRecord> records) {
        Instant now = Instant.now();
        AttemptRecord[] turned = new AttemptRecord[1];
        CircuitState[] change = flow.updateCircuit(webhookId, s -> {
            CircuitState current = s;
            for (AttemptRecord r : records) {
                CircuitState next = policy.apply(current, verdict(r), r.probe(), now);
                if (next.closed() != current.closed()) {
                    turned[0] = r;
                }
                current = next;
            }
            return current;
        });
        CircuitState before = change[0];
        CircuitState after = change[1];
        AttemptRecord cause = turned[0];
        if (before.closed() && !after.closed()) {
            flowControl.circuitChanged(webhookId, true);
            String reason = after.consecutiveFailures() + " failed attempts in a row; last: " + cause.error();
            LOG.info("webhook {} circuit opened: {}; first probe at {}", webhookId, reason, after.nextProbeAt());
            publish(OperatorEvents.CIRCUIT_OPENED, webhookId, cause, reason, now);
        } else if (!before.closed() && after.closed()) {
            flowControl.circuitChanged(webhookId, false);
            String reason = "attempt answered " + cause.responseStatusCode();
            LOG.info("webhook {} circuit closed: {}", webhookId, reason);
            publish(OperatorEvents.CIRCUIT_CLOSED, webhookId, cause, reason, now);
        }
        if (!disableAfter.isZero() && after.failingSince() != null && !after.failingSince().plus(disableAfter).isAfter(now)) {
            disable(webhookId, "no successful attempt since " + Envelope.timestamp(after.failingSince()) + " (disable_after)",
                    records.get(records.size() - 1));
        }
    }

    /** Disables the webhook (once) and makes its pending deliveries due, so the retry poller fails them now. */
    public void disable(long webhookId, String reason, AttemptRecord cause) {
        Webhook w = webhook(webhookId);
        if (webhooks.disable(webhookId, reason)) {
            directory.invalidate();
            deliveries.makeAllDue(webhookId);
            LOG.info("webhook {} disabled: {}", webhookId, reason);
            if (!events.isOperatorEvent(cause.event())) {
                events.publish(OperatorEvents.DISABLED, w, null, null, reason, Instant.now());
            }
        }
    }

    /** A delivery failed for good. */
    public void deliveryFailed(AttemptRecord r) {
        LOG.info("delivery {} of webhook {} failed after {} attempt(s): {}", r.deliveryId(), r.webhookId(), r.attempt(), r.error());
        if (!events.isOperatorEvent(r.event())) {
            events.publish(OperatorEvents.DELIVERY_FAILED, webhook(r.webhookId()), r.deliveryId(), r.messageId(),
                    r.error() == null ? "HTTP " + r.responseStatusCode() : r.error(), Instant.now());
        }
    }

    private void publish(String type, long webhookId, AttemptRecord cause, String reason, Instant at) {
        if (!events.isOperatorEvent(cause.event())) {
            events.publish(type, webhook(webhookId), null, null, reason, at);
        }
    }

    private Webhook webhook(long id) {
        Webhook w = directory.enabled(id);
        return w != null ? w : webhooks.findIncludingDeleted(id).orElse(null);
    }

    private static CircuitPolicy.Verdict verdict(AttemptRecord r) {
        return CircuitPolicy.verdict(Attempt.outcomeOf(r));
    }
}
