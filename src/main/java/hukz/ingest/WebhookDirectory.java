package hukz.ingest;

import hukz.store.Event;
import hukz.store.Webhook;
import hukz.store.WebhookStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing table in memory: which enabled webhooks a subject reaches. It is reloaded when this instance
 * changes events or webhooks, and when the database's routing version moves (another instance changed
 * them), checked at most once per {@code recheckMillis}; so matching costs no query per message.
 */
public final class WebhookDirectory {
    private final WebhookStore webhooks;
    private final long recheckMillis;
    private volatile Snapshot snapshot = new Snapshot(-1, List.of(), Map.of(), 0);
    private volatile boolean stale = true;

    private record Snapshot(long version, List<Webhook> webhooks, Map<Long, Webhook> byId, long checkedAt) {
    }

    public WebhookDirectory(WebhookStore webhooks, long recheckMillis) {
        this.webhooks = webhooks;
        this.recheckMillis = recheckMillis;
    }

    /** Called after any change made through this instance's API. */
    public void invalidate() {
        stale = true;
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
        if (!stale && now - s.checkedAt() < recheckMillis) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            if (!stale && now - s.checkedAt() < recheckMillis) {
                return s;
            }
            boolean wasStale = stale;
            stale = false;
            long version = webhooks.routingVersion();
            if (!wasStale && version == s.version()) {
                snapshot = new Snapshot(s.version(), s.webhooks(), s.byId(), now);
            } else {
                List<Webhook> list = webhooks.findEnabledWithEvents();
                Map<Long, Webhook> byId = new HashMap<>();
                list.forEach(w -> byId.put(w.id(), w));
                snapshot = new Snapshot(version, list, byId, now);
            }
            return snapshot;
        }
    }
}
