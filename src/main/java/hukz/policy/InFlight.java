package hukz.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * This instance's attempts in flight, per webhook. A slot is taken when a delivery is admitted and given back
 * when its attempt ends; a slot older than the delivery lease is taken to be lost (its exchange never ran)
 * and counts no more, so a lost one cannot stop a webhook for good.
 */
public final class InFlight {
    /** A refill waits for this share of a webhook's slots to be free (see {@link #release}). */
    static final int REFILL_SHARE = 8;
    private final long leaseMillis;
    private final Map<Long, Slots> byWebhook = new HashMap<>();
    private int total;

    private static final class Slots {
        final Map<Long, Long> takenAt = new HashMap<>();
        int cap;
    }

    public InFlight(java.time.Duration lease) {
        this.leaseMillis = lease.toMillis();
    }

    /** Takes up to {@code wanted} slots for these deliveries of one webhook; answers how many it took (in order). */
    public synchronized int acquire(long webhookId, int cap, List<Long> deliveryIds) {
        Slots s = byWebhook.computeIfAbsent(webhookId, k -> new Slots());
        s.cap = cap;
        if (s.takenAt.size() >= cap) {
            expire(s);
        }
        int taken = 0;
        long now = System.currentTimeMillis();
        for (Long id : deliveryIds) {
            if (s.takenAt.size() >= cap) {
                break;
            }
            if (s.takenAt.put(id, now) == null) {
                total++;
            }
            taken++;
        }
        return taken;
    }

    /** Slots still free for the webhook at this cap. */
    public synchronized int free(long webhookId, int cap) {
        Slots s = byWebhook.get(webhookId);
        if (s == null) {
            return cap;
        }
        if (s.takenAt.size() >= cap) {
            expire(s);
        }
        return Math.max(0, cap - s.takenAt.size());
    }

    /**
     * Gives the delivery's slot back. Answers whether the webhook now has a refill's worth of free slots: an eighth
     * of its cap (at least one), or all of them. Deliveries waiting for its slots are then taken in one refill
     * rather than one refill per freed slot; a slot freed short of that waits for the next freed ones or the
     * retry poller's next tick (at most 200 ms), and only while the webhook's other slots are all busy.
     */
    public synchronized boolean release(long webhookId, long deliveryId) {
        Slots s = byWebhook.get(webhookId);
        if (s == null) {
            return true;
        }
        if (s.takenAt.remove(deliveryId) != null) {
            total--;
            if (s.takenAt.isEmpty()) {
                byWebhook.remove(webhookId);
            }
        }
        return s.cap - s.takenAt.size() >= Math.max(1, s.cap / REFILL_SHARE);
    }

    /** Webhooks with every slot taken: the retry poller leaves their due deliveries in the database. */
    public synchronized List<Long> full() {
        List<Long> ids = new ArrayList<>();
        byWebhook.forEach((id, s) -> {
            if (s.takenAt.size() >= s.cap) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** Slots taken by this webhook now. */
    public synchronized int of(long webhookId) {
        Slots s = byWebhook.get(webhookId);
        return s == null ? 0 : s.takenAt.size();
    }

    public synchronized int total() {
        return total;
    }

    private void expire(Slots s) {
        long oldest = System.currentTimeMillis() - leaseMillis;
        for (Iterator<Long> it = s.takenAt.values().iterator(); it.hasNext(); ) {
            if (it.next() < oldest) {
                it.remove();
                total--;
            }
        }
    }
}
