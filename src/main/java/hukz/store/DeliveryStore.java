package hukz.store;

import hukz.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
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
     * Stores the deliveries of a batch of messages in one transaction. A message whose Nats-Msg-Id was
     * already seen in the last 24 hours (or earlier in the batch) stores nothing. Deliveries are pending and
     * leased until {@code leaseUntil}: the caller attempts them now, and if it dies the retry poller takes them
     * once the lease runs out.
     */
    public List<Delivery> storeMessages(List<NewMessage> messages, Instant leaseUntil) {
        return db.inTransaction(() -> {
            Set<String> fresh = rememberIds(messages);
            List<Long> webhookIds = new ArrayList<>();
            List<String> messageIds = new ArrayList<>();
            List<String> events = new ArrayList<>();
            List<String> payloads = new ArrayList<>();
            Map<String, NewMessage> byId = new HashMap<>();
            for (NewMessage m : messages) {
                if (m.dedup() && !fresh.remove(m.messageId()) || byId.putIfAbsent(m.messageId(), m) != null) {
                    continue;
                }
                for (Webhook w : m.webhooks()) {
                    webhookIds.add(w.id());
                    messageIds.add(m.messageId());
                    events.add(m.event());
                    payloads.add(m.payload());
                }
            }
            if (webhookIds.isEmpty()) {
                return List.<Delivery>of();
            }
            // Only ids come back: the payloads are known here and need not cross the wire twice.
            return db.query("INSERT INTO deliveries (webhook_id, message_id, event, payload, next_attempt_at) "
                            + "SELECT w, m, e, p, ? FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS t(w, m, e, p) "
                            + "RETURNING id, created_at, webhook_id, message_id",
                    rs -> {
                        NewMessage m = byId.get(rs.getString("message_id"));
                        Instant created = Db.instant(rs, "created_at");
                        return new Delivery(rs.getLong("id"), created, created, rs.getLong("webhook_id"), m.messageId(), m.event(),
                                m.payload(), Delivery.PENDING, 0, leaseUntil, null, null);
                    },
                    leaseUntil, webhookIds.toArray(Long[]::new), messageIds.toArray(String[]::new),
                    events.toArray(String[]::new), payloads.toArray(String[]::new));
        });
    }

    /** Records the batch's Nats-Msg-Ids; returns those not seen in the last 24 hours. */
    private Set<String> rememberIds(List<NewMessage> messages) {
        Set<String> ids = new LinkedHashSet<>();
        for (NewMessage m : messages) {
            if (m.dedup()) {
                ids.add(m.messageId());
            }
        }
        if (ids.isEmpty()) {
            return new HashSet<>();
        }
        return new HashSet<>(db.query("INSERT INTO message_ids (message_id) SELECT unnest(?::text[]) "
                        + "ON CONFLICT (message_id) DO UPDATE SET seen_at = now() "
                        + "WHERE message_ids.seen_at < now() - interval '24 hours' RETURNING message_id",
                rs -> rs.getString(1), (Object) ids.toArray(String[]::new)));
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

    /**
     * Writes a batch of attempts: their webhook_logs rows and their deliveries' new states, in one
     * transaction. A delivery only moves forward (a stale duplicate attempt does not undo a newer one).
     */
    public void recordAttempts(List<AttemptRecord> attempts) {
        int n = attempts.size();
        Long[] createdBy = new Long[n];
        String[] events = new String[n];
        String[] urls = new String[n];
        Integer[] codes = new Integer[n];
        String[] data = new String[n];
        String[] bodies = new String[n];
        String[] tags = new String[n];
        Long[] webhookIds = new Long[n];
        Long[] deliveryIds = new Long[n];
        String[] messageIds = new String[n];
        Integer[] numbers = new Integer[n];
        Integer[] durations = new Integer[n];
        String[] errors = new String[n];
        String[] states = new String[n];
        String[] next = new String[n];
        for (int i = 0; i < n; i++) {
            AttemptRecord a = attempts.get(i);
            createdBy[i] = a.webhookCreatedById();
            events[i] = a.event();
            urls[i] = a.url();
            codes[i] = a.responseStatusCode();
            data[i] = a.data();
            bodies[i] = a.responseBodyJson();
            tags[i] = Json.write(a.tags());
            webhookIds[i] = a.webhookId();
            deliveryIds[i] = a.deliveryId() == 0 ? null : a.deliveryId();
            messageIds[i] = a.messageId();
            numbers[i] = a.attempt();
            durations[i] = (int) Math.min(Integer.MAX_VALUE, a.durationMs());
            errors[i] = a.error();
            states[i] = a.status();
            next[i] = a.nextAttemptAt() == null ? null : a.nextAttemptAt().toString();
        }
        db.inTransaction(() -> {
            db.update("INSERT INTO webhook_logs (created_by_id, event, url, response_status_code, data, response_body, tags, "
                            + "webhook_id, delivery_id, message_id, attempt, duration_ms, error) "
                            + "SELECT c, e, u, s, d::json, b::json, t::jsonb, w, dl, m, a, du, er FROM unnest(?::bigint[], ?::text[], "
                            + "?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::int[], "
                            + "?::int[], ?::text[]) AS x(c, e, u, s, d, b, t, w, dl, m, a, du, er)",
                    createdBy, events, urls, codes, data, bodies, tags, webhookIds, deliveryIds, messageIds, numbers, durations, errors);
            db.update("UPDATE deliveries d SET attempts = x.a, status = x.st, next_attempt_at = x.nx, last_status_code = x.s, "
                            + "last_error = x.er, updated_at = now() FROM unnest(?::bigint[], ?::int[], ?::text[], ?::timestamptz[], "
                            + "?::int[], ?::text[]) AS x(id, a, st, nx, s, er) WHERE d.id = x.id AND d.status = 'pending' AND d.attempts < x.a",
                    deliveryIds, numbers, states, next, codes, errors);
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

    /**
     * One page, newest first, and the exact number of matching rows. The total comes from delivery_counts
     * (a few rows per webhook) unless a message id narrows the list to a handful of rows; the page's ids come
     * from an index, skipping the offset there rather than in the table.
     */
    public Page<Delivery> list(ListQuery q, Long webhookId, String status, String event, String messageId) {
        SqlFilter where = new SqlFilter();
        if (webhookId != null) {
            where.add("webhook_id = ?", webhookId);
        }
        if (status != null) {
            where.add("status = ?", status);
        }
        if (event != null) {
            where.add("event = ?", event);
        }
        String tags = q.tagsJson();
        if (tags == null || !tags.equals("{}")) {
            where.add("EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.tags @> ?::jsonb)", tags);
        }
        long total;
        if (messageId == null) {
            total = db.queryLong("SELECT coalesce(sum(n), 0) FROM delivery_counts d WHERE " + where.sql(), where.params());
        } else {
            where.add("message_id = ?", messageId);
            total = db.queryLong("SELECT count(*) FROM deliveries d WHERE " + where.sql(), where.params());
        }
        return new Page<>(total, db.query("SELECT " + COLUMNS + " FROM deliveries WHERE id IN (SELECT id FROM deliveries d WHERE "
                + where.sql() + " ORDER BY id DESC LIMIT ? OFFSET ?) ORDER BY id DESC", DeliveryStore::map,
                where.params(q.limit(), (long) q.offset())));
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
