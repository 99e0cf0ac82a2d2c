package hukz.ingest;

import hukz.store.Event;
import hukz.store.Webhook;
import hukz.store.WebhookStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The routing table in memory: which enabled webhooks a subject reaches. It is reloaded when this instance
 * changes events or webhooks, and when the database's routing version moves (another instance changed
 * them), checked at most once per {@code recheckMillis}; so matching costs no query per message.
 */
public final class WebhookDirectory {
    private final LongSupplier routingVersion;
    private final Supplier<List<Webhook>> enabledWebhooks;
    private final long recheckMillis;
    /**
     * Moves with every {@link #invalidate}. A snapshot carries the generation that was current when its reload began
     * (before its queries), and is served only while that is still the current one: a change made through this
     * instance (committed, then invalidated) is in every snapshot served after the invalidation, even while another
     * thread's reload that began before it is still running. (A flag cleared when a reload began let a reader take the
     * previous snapshot during that reload: a message published right after its webhook was created matched nothing.)
     */
    private final AtomicLong generation = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(-1, -1, List.of(), Map.of(), 0);

    private record Snapshot(long generation, long version, List<Webhook> webhooks, Map<Long, Webhook> byId, long checkedAt) {
    }

    public WebhookDirectory(WebhookStore webhooks, long recheckMillis) {
        this(webhooks::routingVersion, webhooks::findEnabledWithEvents, recheckMillis);
    }

    /** {@code routingVersion} moves with every change to events, webhooks or their links; the list is every enabled one. */
    WebhookDirectory(LongSupplier routingVersion, Supplier<List<Webhook>> enabledWebhooks, long recheckMillis) {
        this.routingVersion = routingVersion;
        this.enabledWebhooks = enabledWebhooks;
        this.recheckMillis = recheckMillis;
    }

    /** Called after any change made through this instance's API, once it is committed. */
    public void invalidate() {
        generation.incrementAndGet();
    }

    /** Enabled webhooks with an event matching the subject whose tags contain all of {@code requiredTags}; each once. */
    public List<Webhook> match(String subject, Map<String, String> requiredTags) {
        List<Webhook> found = new ArrayList<>();
        for (Webhook w : current().webhooks()) {
            if (w.tags().entrySet().containsAll(requiredTags.entrySet()) && subscribes(w, subject)) {
                found.add(w);
            }
        }
        return found;
    }

    /** The current copy of an enabled webhook, or null when it is disabled or deleted. */
    public Webhook enabled(long webhookId) {
        return current().byId().get(webhookId);
    }

    private static boolean subscribes(Webhook w, String subject) {
        for (Event e : w.events()) {
            if (SubjectPattern.matches(e.event(), subject)) {
                return true;
            }
        }
        return false;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long now = System.currentTimeMillis();
        if (s.generation() == generation.get() && now - s.checkedAt() < recheckMillis) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            long current = generation.get();
            if (s.generation() == current && now - s.checkedAt() < recheckMillis) {
                return s;
            }
            long version = routingVersion.getAsLong();
            if (s.generation() == current && version == s.version()) {
                snapshot = new Snapshot(current, s.version(), s.webhooks(), s.byId(), now);
            } else {
                List<Webhook> list = enabledWebhooks.get();
                Map<Long, Webhook> byId = new HashMap<>();
                list.forEach(w -> byId.put(w.id(), w));
                snapshot = new Snapshot(current, version, list, byId, now);
            }
            return snapshot;
        }
    }
}
