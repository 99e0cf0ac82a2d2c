package hukz.policy;

import hukz.attempt.Attempt;
import hukz.attempt.DeliveryTask;
import hukz.ingest.WebhookDirectory;
import hukz.store.AttemptRecord;
import hukz.store.DeliveryStore;
import hukz.store.FlowStore;
import hukz.store.Webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides which deliveries may be attempted now (SPEC §8): none of a webhook whose circuit is open, at most
 * its {@code max_in_flight} at once on this instance, at most its {@code rate_limit} per second across all
 * instances. The others hold no thread: those of a webhook with a closed circuit and no rate limit wait in its
 * {@link WaitingLine} (in memory, still leased rows) for the next slot it frees, as many as the line takes; the
 * rest go back to the database as due (or due at their next rate-limit token), uncounted, and the retry poller
 * takes them when the webhook has room again.
 */
public final class FlowControl {
    private static final long OPEN_CIRCUITS_MAX_AGE_MILLIS = 250;
    private static final long HOLD_MILLIS = 2000;
    private final InFlight inFlight;
    private final FlowStore flow;
    private final DeliveryStore deliveries;
    private final WaitingLine line;
    /** Webhooks with deliveries left due in the database for want of a slot: a freed slot is refilled at once. */
    private final Set<Long> backlog = ConcurrentHashMap.newKeySet();
    /**
     * A wake-up of the refill is on its way and the refill has not begun yet. The refill takes every slot free when
     * it begins, so slots freed meanwhile need no wake-up of their own: without this, every attempt that ended while a
     * refill's worth was free sent one — under load nearly one per delivery, each a copy of its exchange that the
     * full queue of one then dropped (bench/path-cost: 0.78 wake-ups per delivery, 0.05 with it).
     */
    private final AtomicBoolean refillWoken = new AtomicBoolean();
    private volatile Set<Long> openCircuits = Set.of();
    private volatile long openCircuitsReadAt;
    private final int circuitFailures;
    /** Failed attempts in a row seen by this instance, per webhook. */
    private final Map<Long, Integer> failuresInARow = new ConcurrentHashMap<>();
    /**
     * Webhooks held as if their circuit were open, until when: their failures reached circuit_failures here and
     * the circuit in the database (written by the attempt recorder a moment later) is not read yet.
     */
    private final Map<Long, Long> heldUntil = new ConcurrentHashMap<>();

    public FlowControl(InFlight inFlight, FlowStore flow, DeliveryStore deliveries, WaitingLine line, int circuitFailures) {
        this.line = line;
        this.circuitFailures = circuitFailures;
        this.inFlight = inFlight;
        this.flow = flow;
        this.deliveries = deliveries;
    }

    /** The deliveries (claimed by the retry poller, or taken from a line) that go out now, in their order. */
    public List<DeliveryTask> admit(List<DeliveryTask> tasks) {
        return admit(tasks, false);
    }

    /**
     * New deliveries (stored by ingest) that go out now: as {@link #admit}, except that a webhook with a line gives
     * them no slot: they join the end of its line, behind the deliveries that came before them.
     */
    public List<DeliveryTask> admitNew(List<DeliveryTask> tasks) {
        return admit(tasks, true);
    }

    /*
     * Synchronized with serveLine: a delivery taken from a line gets its slot in the same step, so another one of the
     * webhook (a new one, or the next of the line taken by another thread) cannot take that slot in between — which
     * sent the one taken first to the end of the line. Only the ingest, refill and retry threads come here.
     */
    private synchronized List<DeliveryTask> admit(List<DeliveryTask> tasks, boolean behindLines) {
        if (tasks.isEmpty()) {
            return tasks;
        }
        return admit(tasks, behindLines, openCircuits());
    }

    /** As above, with the open circuits already read (see {@link #serveLine}). */
    private synchronized List<DeliveryTask> admit(List<DeliveryTask> tasks, boolean behindLines, Set<Long> open) {
        Map<Long, List<DeliveryTask>> byWebhook = new LinkedHashMap<>();
        List<DeliveryTask> admitted = new ArrayList<>(tasks.size());
        for (DeliveryTask t : tasks) {
            if (t.probe()) {
                admitted.add(t);
            } else {
                byWebhook.computeIfAbsent(t.webhook().id(), k -> new ArrayList<>()).add(t);
            }
        }
        List<Long> dueNow = new ArrayList<>();
        List<Long> waiting = new ArrayList<>();
        Map<Instant, List<Long>> dueLater = new LinkedHashMap<>();
        for (List<DeliveryTask> group : byWebhook.values()) {
            Webhook w = group.get(0).webhook();
            List<Long> ids = group.stream().map(t -> t.delivery().id()).toList();
            if (open.contains(w.id())) {
                dueNow.addAll(ids);
                continue;
            }
            int room = behindLines && line.has(w.id()) ? 0 : Math.min(group.size(), inFlight.free(w.id(), w.maxInFlight()));
            int granted = room;
            if (w.rateLimit() != null && room > 0) {
                FlowStore.Grant grant = flow.takeRate(w.id(), w.rateLimit(), room);
                granted = grant.granted();
                dueLater.computeIfAbsent(grant.nextToken(), k -> new ArrayList<>()).addAll(ids.subList(granted, room));
            }
            int taken = inFlight.acquire(w.id(), w.maxInFlight(), ids.subList(0, granted));
            admitted.addAll(group.subList(0, taken));
            // without a slot: into the webhook's line while it takes them (not with a rate limit: those wait for
            // their token in the database), the others due in the database
            int lined = w.rateLimit() == null ? line.join(w.id(), group.subList(room, ids.size())) : 0;
            if (taken < granted || room + lined < ids.size()) {
                waiting.add(w.id());
            }
            dueNow.addAll(ids.subList(taken, granted));
            dueNow.addAll(ids.subList(room + lined, ids.size()));
        }
        deliveries.makeDue(dueNow, null);
        dueLater.forEach((at, ids) -> deliveries.makeDue(ids, at));
        // only now that they are due: a refill woken earlier would find nothing and end the backlog
        backlog.addAll(waiting);
        return admitted;
    }

    /**
     * How many of each webhook's new deliveries ingest stores leased to this instance: those its free slots take
     * now, and those its line will take (none while its circuit is open, no line with a rate limit); ingest stores
     * the others due, to wait in the database. Webhooks absent from the answer have room for all.
     */
    public Map<Long, Integer> room(Map<Long, Integer> newPerWebhook, WebhookDirectory directory) {
        Set<Long> open = openCircuits();
        Map<Long, Integer> room = new HashMap<>();
        int lineRoom = line.room();
        for (Map.Entry<Long, Integer> e : newPerWebhook.entrySet()) {
            long id = e.getKey();
            int n = e.getValue();
            Webhook w = directory.enabled(id);
            int free = w == null || open.contains(id) || line.has(id) ? 0 : inFlight.free(id, w.maxInFlight());
            if (free < n && w != null && !open.contains(id) && w.rateLimit() == null) {
                // stored leased too: what the webhook's line will take (admit puts them there)
                int lined = Math.min(n - free, lineRoom);
                lineRoom -= lined;
                free += lined;
            }
            if (free < n) {
                room.put(id, free);
            }
        }
        return room;
    }

    /** Ingest stored deliveries: webhooks with some stored waiting have a backlog, refilled as their slots free. */
    public void stored(Map<Long, Integer> newPerWebhook, List<hukz.store.Delivery> leased) {
        Map<Long, Integer> going = new HashMap<>();
        leased.forEach(d -> going.merge(d.webhookId(), 1, Integer::sum));
        newPerWebhook.forEach((id, n) -> {
            if (going.getOrDefault(id, 0) < n) {
                backlog.add(id);
            }
        });
    }

    /**
     * The attempt is over: its webhook has a slot free again. True when deliveries of the webhook wait (in its
     * line, or due in the database), it has a refill's worth of free slots ({@link InFlight#release}) and no wake-up
     * is on its way already, so the route wakes the refill.
     */
    public boolean release(AttemptRecord r) {
        boolean refillDue = releaseSlot(r);
        return refillDue && (backlog.contains(r.webhookId()) || line.has(r.webhookId()))
                && refillWoken.compareAndSet(false, true);
    }

    /**
     * The refill begins (before it takes any slot): a slot freed from now on wakes it again. The retry poller's
     * tick says so too, so a wake-up that never came (a ping's outcome, which the deliver route does not see; a
     * route edited to drop it) holds refills back for one tick at most.
     */
    public void refillBegins() {
        refillWoken.set(false);
    }

    /** Counts the outcome towards the webhook's hold; answers whether a refill's worth of its slots is free. */
    private boolean releaseSlot(AttemptRecord r) {
        CircuitPolicy.Verdict verdict = CircuitPolicy.verdict(Attempt.outcomeOf(r));
        if (verdict == CircuitPolicy.Verdict.FAILED) {
            if (failuresInARow.merge(r.webhookId(), 1, Integer::sum) >= circuitFailures) {
                heldUntil.put(r.webhookId(), System.currentTimeMillis() + HOLD_MILLIS);
            }
        } else if (verdict != CircuitPolicy.Verdict.NEUTRAL) {
            failuresInARow.remove(r.webhookId());
            heldUntil.remove(r.webhookId());
        }
        return inFlight.release(r.webhookId(), r.deliveryId());
    }

    /**
     * These webhooks may have due deliveries waiting for a slot: their next refill's worth of freed slots wakes the
     * refill.
     */
    public void waiting(Collection<Long> webhookIds) {
        backlog.addAll(webhookIds);
    }

    /** Webhooks with deliveries waiting in the database for a slot (a snapshot). */
    public List<Long> backlogged() {
        return List.copyOf(backlog);
    }

    /** Webhooks with deliveries waiting in their line (a snapshot). */
    public List<Long> lined() {
        return line.webhooks();
    }

    /**
     * The first deliveries of the webhook's line that still have the time for an attempt, as many as it has free
     * slots, admitted (see {@link #admit}) in the same step, so they go out in the order they came. They go as the
     * webhook is now: its URL, secret or headers may have changed while they waited.
     */
    public synchronized List<DeliveryTask> serveLine(Webhook webhook) {
        int free = inFlight.free(webhook.id(), webhook.maxInFlight());
        if (free <= 0) {
            return List.of();
        }
        // The open circuits before anything leaves the line: they are read from the database (at most every 250 ms),
        // and with the database away the deliveries keep their place for the next refill, not wait out their lease.
        Set<Long> open = openCircuits();
        List<DeliveryTask> now = new ArrayList<>();
        for (DeliveryTask next : line.take(webhook.id(), free)) {
            now.add(new DeliveryTask(next.delivery(), webhook));
        }
        return now.isEmpty() ? now : admit(now, false, open);
    }

    /**
     * The webhook's line goes back to the database, due (it was disabled or deleted: the retry poller fails its
     * deliveries; or hukz is stopping: another instance, or the next start, takes them without waiting out leases).
     */
    public void returnLine(long webhookId) {
        deliveries.makeDue(line.take(webhookId, Integer.MAX_VALUE).stream().map(t -> t.delivery().id()).toList(), null);
    }

    /** Every line back to the database, due (at a graceful stop). */
    public void returnLines() {
        deliveries.makeDue(line.takeAll().stream().map(t -> t.delivery().id()).toList(), null);
    }

    /** Deliveries waiting in lines on this instance. */
    public int lineLength() {
        return line.size();
    }

    /** The database had fewer of the webhook's deliveries due than it had slots: nothing waits for a slot now. */
    public void drained(long webhookId) {
        backlog.remove(webhookId);
    }

    /** Webhooks with every slot of this instance taken. */
    public List<Long> full() {
        return inFlight.full();
    }

    public int inFlight(long webhookId) {
        return inFlight.of(webhookId);
    }

    public int inFlightTotal() {
        return inFlight.total();
    }

    /** This instance saw the circuit open or close: act on it before the next read of the database. */
    public void circuitChanged(long webhookId, boolean open) {
        Set<Long> copy = new HashSet<>(openCircuits);
        if (open) {
            copy.add(webhookId);
        } else {
            copy.remove(webhookId);
        }
        openCircuits = Set.copyOf(copy);
    }

    /**
     * Open or half-open circuits, as read from the database at most 250 ms ago (another instance may open one),
     * and those this instance holds because it just saw the failure that opens them: no attempt slips out
     * between that failure and its record.
     */
    public Set<Long> openCircuits() {
        Set<Long> read = readOpenCircuits();
        if (heldUntil.isEmpty()) {
            return read;
        }
        long now = System.currentTimeMillis();
        heldUntil.values().removeIf(until -> until < now);
        Set<Long> all = new HashSet<>(read);
        all.addAll(heldUntil.keySet());
        return all;
    }

    private Set<Long> readOpenCircuits() {
        long now = System.currentTimeMillis();
        if (now - openCircuitsReadAt > OPEN_CIRCUITS_MAX_AGE_MILLIS) {
            synchronized (this) {
                if (now - openCircuitsReadAt > OPEN_CIRCUITS_MAX_AGE_MILLIS) {
                    openCircuits = Set.copyOf(flow.notClosed());
                    openCircuitsReadAt = now;
                }
            }
        }
        return openCircuits;
    }
}
