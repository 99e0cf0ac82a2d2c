package hukz.store;

import hukz.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL on deliveries, message_ids and the webhook_logs rows that attempts write. */
public final class DeliveryStore {
    static final String COLUMNS = "id, created_at, updated_at, webhook_id, message_id, event, payload, status, attempts, "
            + "next_attempt_at, last_status_code, last_error";
    private final Db db;

    public DeliveryStore(Db db) {
        this.db = db;
    }

    /**
     * Remembers a Nats-Msg-Id for 24 hours; false when it was already seen in that time, so the message
     * creates no new deliveries.
     */
    public boolean firstSighting(String messageId) {
        return db.queryOne("INSERT INTO message_ids (message_id) VALUES (?) ON CONFLICT (message_id) DO UPDATE SET seen_at = now() "
                + "WHERE message_ids.seen_at < now() - interval '24 hours' RETURNING 1", rs -> 1, messageId).isPresent();
    }

    /**
     * Stores a message's deliveries, remembering its Nats-Msg-Id in the same transaction; returns nothing when
     * that id was already seen in the last 24 hours.
     */
    public List<Delivery> storeMessage(String natsMessageId, List<NewDelivery> deliveries, Instant leaseUntil) {
        if (natsMessageId == null) {
            return insertPending(deliveries, leaseUntil);
        }
        return db.inTransaction(() -> firstSighting(natsMessageId) ? insertPending(deliveries, leaseUntil) : List.of());
    }

    /**
     * Stores deliveries as pending and leased until {@code leaseUntil}: the caller attempts them now, and
     * if it dies the retry poller takes them once the lease runs out.
     */
    public List<Delivery> insertPending(List<NewDelivery> deliveries, Instant leaseUntil) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        int n = deliveries.size();
        Long[] webhookIds = new Long[n];
        String[] messageIds = new String[n];
        String[] events = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            NewDelivery d = deliveries.get(i);
            webhookIds[i] = d.webhookId();
            messageIds[i] = d.messageId();
            events[i] = d.event();
            payloads[i] = d.payload();
        }
        return db.query("INSERT INTO deliveries (webhook_id, message_id, event, payload, next_attempt_at) "
                        + "SELECT w, m, e, p, ? FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS t(w, m, e, p) "
                        + "RETURNING " + COLUMNS,
                DeliveryStore::map, leaseUntil, webhookIds, messageIds, events, payloads);
    }

    /**
     * Takes up to {@code limit} due deliveries and leases them, skipping rows another instance holds, so each
     * due retry is attempted by one instance.
     */
    public List<Delivery> claimDue(int limit, Duration lease) {
        return db.query("UPDATE deliveries SET next_attempt_at = now() + ?::interval, updated_at = now() WHERE id IN ("
                        + "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now() "
                        + "ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS,
                DeliveryStore::map, lease.toMillis() + " milliseconds", limit);
    }

    /** Writes the attempt's log row and the delivery's new state in one transaction. */
    public void recordAttempt(AttemptRecord a) {
        db.inTransaction(() -> {
            insertLog(a);
            db.update("UPDATE deliveries SET attempts = ?, status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, "
                            + "updated_at = now() WHERE id = ? AND status = 'pending' AND attempts < ?",
                    a.attempt(), a.status(), a.nextAttemptAt(), a.responseStatusCode(), a.error(), a.deliveryId(), a.attempt());
            return null;
        });
    }

    /** Logs an attempt that belongs to no stored delivery (a test ping). Returns the log row id. */
    public long insertLog(AttemptRecord a) {
        return db.queryOne("INSERT INTO webhook_logs (created_by_id, event, url, response_status_code, data, response_body, tags, "
                        + "webhook_id, delivery_id, message_id, attempt, duration_ms, error) "
                        + "VALUES (?, ?, ?, ?, ?::json, ?::json, ?::jsonb, ?, ?, ?, ?, ?, ?) RETURNING id",
                rs -> rs.getLong(1), a.webhookCreatedById(), a.event(), a.url(), a.responseStatusCode(), a.data(),
                a.responseBodyJson(), Json.write(a.tags()), a.webhookId(), a.deliveryId() == 0 ? null : a.deliveryId(),
                a.messageId(), a.attempt(), (int) Math.min(Integer.MAX_VALUE, a.durationMs()), a.error()).orElseThrow();
    }

    public Optional<Delivery> find(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM deliveries WHERE id = ?", DeliveryStore::map, id);
    }

    public Page<Delivery> list(ListQuery q, Long webhookId, String status, String event) {
        String where = " FROM deliveries d WHERE (?::bigint IS NULL OR webhook_id = ?) AND (?::text IS NULL OR status = ?) "
                + "AND (?::text IS NULL OR event = ?) AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.tags @> ?::jsonb)";
        List<Object> params = new ArrayList<>(List.of());
        params.add(webhookId);
        params.add(webhookId);
        params.add(status);
        params.add(status);
        params.add(event);
        params.add(event);
        params.add(q.tagsJson());
        long total = db.queryLong("SELECT count(*)" + where, params.toArray());
        params.add(q.limit());
        params.add(q.offset());
        return new Page<>(total, db.query("SELECT " + COLUMNS + where + " ORDER BY id DESC LIMIT ? OFFSET ?", DeliveryStore::map, params.toArray()));
    }

    /** Makes a delivery due now, whatever its state; false when it does not exist. */
    public Optional<Delivery> requeueNow(long id) {
        return db.queryOne("UPDATE deliveries SET status = 'pending', next_attempt_at = now(), updated_at = now() WHERE id = ? RETURNING " + COLUMNS,
                DeliveryStore::map, id);
    }

    /** Re-queues a webhook's failed deliveries created since {@code since}; returns how many. */
    public int recoverFailed(long webhookId, Instant since) {
        return db.update("UPDATE deliveries SET status = 'pending', next_attempt_at = now(), updated_at = now() "
                + "WHERE webhook_id = ? AND status = 'failed' AND created_at >= ?", webhookId, since);
    }

    public long countPending() {
        return db.queryLong("SELECT count(*) FROM deliveries WHERE status = 'pending'");
    }

    public double oldestPendingAgeSeconds() {
        return db.queryOne("SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM deliveries WHERE status = 'pending'",
                rs -> rs.getDouble(1)).orElse(0.0);
    }

    public int deleteLogsOlderThan(int days) {
        db.update("DELETE FROM message_ids WHERE seen_at < now() - interval '24 hours'");
        return db.update("DELETE FROM webhook_logs WHERE created_at < now() - make_interval(days => ?)", days);
    }

    static Delivery map(ResultSet rs) throws SQLException {
        int code = rs.getInt("last_status_code");
        Integer lastStatus = rs.wasNull() ? null : code;
        return new Delivery(rs.getLong("id"), Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"), rs.getLong("webhook_id"),
                rs.getString("message_id"), rs.getString("event"), rs.getString("payload"), rs.getString("status"),
                rs.getInt("attempts"), Db.instant(rs, "next_attempt_at"), lastStatus, rs.getString("last_error"));
    }
}
