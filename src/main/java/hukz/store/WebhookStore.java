package hukz.store;

import hukz.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All SQL on webhooks and webhook_events. */
public final class WebhookStore {
    private static final String COLUMNS = "id, created_at, updated_at, created_by_id, updated_by_id, name, url, enabled, "
            + "disabled_reason, tags::text AS tags, space_id, secret, previous_secret, previous_secret_until, headers::text AS headers, format, "
            + "rate_limit, max_in_flight";
    private final Db db;
    private final EventStore events;

    public WebhookStore(Db db, EventStore events) {
        this.db = db;
        this.events = events;
    }

    public Webhook create(long userId, WebhookFields f) {
        return db.inTransaction(() -> {
            Webhook w = db.queryOne("INSERT INTO webhooks (created_by_id, updated_by_id, name, url, enabled, tags, space_id, secret, headers, format, "
                            + "rate_limit, max_in_flight) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?) RETURNING " + COLUMNS,
                    WebhookStore::map, userId, userId, f.name(), f.url(), f.enabled(), Json.write(f.tags()), f.spaceId(),
                    f.secret(), Json.write(f.headers()), f.format(), f.rateLimit(), f.maxInFlight()).orElseThrow();
            linkEvents(w.id(), f.eventIds());
            return withEvents(w);
        });
    }

    public Optional<Webhook> update(long id, long userId, WebhookFields f) {
        return db.inTransaction(() -> {
            Optional<Webhook> updated = db.queryOne("UPDATE webhooks SET updated_at = now(), updated_by_id = ?, name = ?, url = ?, enabled = ?, "
                            + "disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END, tags = ?::jsonb, space_id = ?, "
                            + "secret = coalesce(?, secret), headers = ?::jsonb, format = ?, rate_limit = ?, max_in_flight = ? "
                            + "WHERE id = ? AND deleted_at IS NULL RETURNING " + COLUMNS,
                    WebhookStore::map, userId, f.name(), f.url(), f.enabled(), f.enabled(), Json.write(f.tags()), f.spaceId(),
                    f.secret(), Json.write(f.headers()), f.format(), f.rateLimit(), f.maxInFlight(), id);
            if (updated.isEmpty()) {
                return updated;
            }
            db.update("DELETE FROM webhook_events WHERE webhook_id = ?", id);
            linkEvents(id, f.eventIds());
            return updated.map(this::withEvents);
        });
    }

    private void linkEvents(long webhookId, List<Long> eventIds) {
        List<Object[]> rows = new ArrayList<>();
        for (Long eventId : eventIds) {
            rows.add(new Object[]{webhookId, eventId});
        }
        db.batch("INSERT INTO webhook_events (webhook_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING", rows);
    }

    public Optional<Webhook> find(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM webhooks WHERE id = ? AND deleted_at IS NULL", WebhookStore::map, id)
                .map(this::withEvents);
    }

    /** A webhook even when soft-deleted: its pending deliveries still need closing. */
    public Optional<Webhook> findIncludingDeleted(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM webhooks WHERE id = ?", WebhookStore::map, id);
    }

    public Page<Webhook> list(ListQuery q, String spaceId) {
        String tags = q.tagsJson();
        String where = " FROM webhooks WHERE deleted_at IS NULL AND tags @> ?::jsonb AND (?::text IS NULL OR space_id = ?)";
        long total = db.queryLong("SELECT count(*)" + where, tags, spaceId, spaceId);
        List<Webhook> nodes = db.query("SELECT " + COLUMNS + where + " ORDER BY id LIMIT ? OFFSET ?",
                WebhookStore::map, tags, spaceId, spaceId, q.limit(), q.offset());
        return new Page<>(total, withEvents(nodes));
    }

    /** Whether an enabled webhook of the space subscribes to an event whose subject is exactly {@code event}. */
    public boolean spaceHasEvent(String spaceId, String event) {
        return db.queryLong("SELECT count(*) FROM webhooks w JOIN webhook_events we ON we.webhook_id = w.id "
                + "JOIN events e ON e.id = we.event_id WHERE w.space_id = ? AND w.enabled AND w.deleted_at IS NULL "
                + "AND e.deleted_at IS NULL AND e.event = ?", spaceId, event) > 0;
    }

    public boolean delete(long id, long userId) {
        return db.update("UPDATE webhooks SET deleted_at = now(), updated_by_id = ? WHERE id = ? AND deleted_at IS NULL", userId, id) == 1;
    }

    public Optional<Webhook> rotateSecret(long id, long userId, String newSecret, Instant previousUntil) {
        return db.queryOne("UPDATE webhooks SET updated_at = now(), updated_by_id = ?, previous_secret = secret, "
                        + "previous_secret_until = ?, secret = ? WHERE id = ? AND deleted_at IS NULL RETURNING " + COLUMNS,
                WebhookStore::map, userId, previousUntil, newSecret, id).map(this::withEvents);
    }

    /** Disables an enabled webhook; false when it was disabled already (so the fact is reported once). */
    public boolean disable(long id, String reason) {
        return db.update("UPDATE webhooks SET enabled = false, disabled_reason = ?, updated_at = now() WHERE id = ? AND enabled",
                reason, id) == 1;
    }

    /** Every enabled, live webhook with its live events: the routing table of dispatch. */
    public List<Webhook> findEnabledWithEvents() {
        return withEvents(db.query("SELECT " + COLUMNS + " FROM webhooks WHERE enabled AND deleted_at IS NULL ORDER BY id", WebhookStore::map));
    }

    public long routingVersion() {
        return db.queryLong("SELECT version FROM routing_version WHERE id = 1");
    }

    private Webhook withEvents(Webhook w) {
        return withEvents(List.of(w)).get(0);
    }

    private List<Webhook> withEvents(List<Webhook> webhooks) {
        if (webhooks.isEmpty()) {
            return webhooks;
        }
        Long[] ids = webhooks.stream().map(Webhook::id).toArray(Long[]::new);
        Map<Long, List<Event>> byWebhook = new HashMap<>();
        db.query("SELECT we.webhook_id, e.id, e.created_at, e.updated_at, e.created_by_id, e.updated_by_id, e.name, e.event, e.tags::text AS tags "
                        + "FROM webhook_events we JOIN events e ON e.id = we.event_id WHERE we.webhook_id = ANY (?) AND e.deleted_at IS NULL ORDER BY e.id",
                rs -> {
                    byWebhook.computeIfAbsent(rs.getLong("webhook_id"), k -> new ArrayList<>()).add(EventStore.map(rs));
                    return null;
                }, (Object) ids);
        return webhooks.stream().map(w -> w.withEvents(byWebhook.getOrDefault(w.id(), List.of()))).toList();
    }

    static Webhook map(ResultSet rs) throws SQLException {
        return new Webhook(rs.getLong("id"), Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"),
                rs.getLong("created_by_id"), rs.getLong("updated_by_id"), rs.getString("name"), rs.getString("url"),
                rs.getBoolean("enabled"), rs.getString("disabled_reason"), Json.stringMap(rs.getString("tags")),
                rs.getString("space_id"), rs.getString("secret"), rs.getString("previous_secret"),
                Db.instant(rs, "previous_secret_until"), Json.stringMap(rs.getString("headers")), rs.getString("format"), List.of(),
                (Integer) rs.getObject("rate_limit"), rs.getInt("max_in_flight"));
    }
}
