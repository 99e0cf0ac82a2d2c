package hukz.policy;

import hukz.attempt.DeliveryTask;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deliveries that have no free slot yet, in memory, in order, per webhook: the next slot a webhook frees takes
 * the first of its line without a trip to the database. Each is a committed row leased to this instance, so no
 * other instance takes it, and a crash loses nothing (the lease runs out and the retry poller takes it again).
 * <p>
 * A delivery leaves the line only while its lease leaves room for a whole attempt and the recording of its outcome
 * ({@code attemptBudget}); past that it is dropped from memory and taken again from the database when its lease
 * ends. The line is bounded (deliveries and payload characters): what does not fit waits in the database, due, as
 * it did before there was a line.
 */
public final class WaitingLine {
    private final int maxDeliveries;
    private final long maxPayloadChars;
    private final Duration attemptBudget;
    private final Clock clock;
    private final Map<Long, ArrayDeque<DeliveryTask>> byWebhook = new HashMap<>();
    private int deliveries;
    private long payloadChars;

    public WaitingLine(int maxDeliveries, long maxPayloadChars, Duration attemptBudget, Clock clock) {
        this.maxDeliveries = maxDeliveries;
        this.maxPayloadChars = maxPayloadChars;
        this.attemptBudget = attemptBudget;
        this.clock = clock;
    }

    /** How many more deliveries the line takes now (ingest stores that many leased, beyond the free slots). */
    public synchronized int room() {
        return payloadChars >= maxPayloadChars ? 0 : maxDeliveries - deliveries;
    }

    /**
     * Puts the tasks (one webhook's, leased, in their order) at the end of its line, as many as fit; answers how
     * many did. Those that did not wait in the database.
     */
    public synchronized int join(long webhookId, List<DeliveryTask> tasks) {
        int joined = 0;
        for (DeliveryTask t : tasks) {
            long chars = t.delivery().payload().length();
            if (deliveries >= maxDeliveries || payloadChars + chars > maxPayloadChars) {
                break;
            }
            byWebhook.computeIfAbsent(webhookId, k -> new ArrayDeque<>()).addLast(t);
            deliveries++;
            payloadChars += chars;
            joined++;
        }
        return joined;
    }

    /**
     * Takes up to {@code n} deliveries from the front of the webhook's line that still have the time for an attempt;
     * those whose lease is too close to its end are dropped on the way (the database has them).
     */
    public synchronized List<DeliveryTask> take(long webhookId, int n) {
        ArrayDeque<DeliveryTask> line = byWebhook.get(webhookId);
        if (line == null || n <= 0) {
            return List.of();
        }
        Instant latestStart = clock.instant().plus(attemptBudget);
        List<DeliveryTask> taken = new ArrayList<>(Math.min(n, line.size()));
        while (taken.size() < n && !line.isEmpty()) {
            DeliveryTask t = remove(line);
            if (t.delivery().nextAttemptAt() != null && t.delivery().nextAttemptAt().isAfter(latestStart)) {
                taken.add(t);
            }
        }
        if (line.isEmpty()) {
            byWebhook.remove(webhookId);
        }
        return taken;
    }

    /** Everything in the lines that still has the time for an attempt (at a graceful stop: made due again). */
    public synchronized List<DeliveryTask> takeAll() {
        List<DeliveryTask> all = new ArrayList<>();
        for (long webhookId : List.copyOf(byWebhook.keySet())) {
            all.addAll(take(webhookId, Integer.MAX_VALUE));
        }
        return all;
    }

    public synchronized boolean has(long webhookId) {
        return byWebhook.containsKey(webhookId);
    }

    /** Webhooks with a line. */
    public synchronized List<Long> webhooks() {
        return List.copyOf(byWebhook.keySet());
    }

    public synchronized int size() {
        return deliveries;
    }

    private DeliveryTask remove(ArrayDeque<DeliveryTask> line) {
        DeliveryTask t = line.removeFirst();
        deliveries--;
        payloadChars -= t.delivery().payload().length();
        return t;
    }
}
