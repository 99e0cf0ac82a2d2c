package hukz.store;

import hukz.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** All SQL on deliveries, message_ids and the webhook_logs rows that attempts write. */
public final class DeliveryStore {
    static final String COLUMNS = "id, created_at, updated_at, webhook_id, message_id, event, payload, status, attempts, "
            + "next_attempt_at, last_status_code, last_error";
    private final Db db;

    public DeliveryStore(Db db) {
        this.db = db;
    }

    /**
     * Stores the deliveries of a batch of messages in one statement (so one round trip and one commit). A message
     * whose Nats-Msg-Id was already seen in the last 24 hours (or earlier in the batch) stores nothing. Deliveries
     * are pending and leased until {@code leaseUntil}: the caller attempts them now, and if it dies the retry poller
     * takes them once the lease runs out. Of each webhook only the first {@code goNow} (webhook id to count; absent
     * means all) are leased: the others are stored due, to wait in the database for flow control to let them go, and
     * are not returned.
     */
    public List<Delivery> storeMessages(List<NewMessage> messages, Instant leaseUntil, Map<Long, Integer> goNow) {
        List<Long> webhookIds = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        List<String> events = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        List<Boolean> leased = new ArrayList<>();
        List<Boolean> dedup = new ArrayList<>();
        Map<Long, Integer> left = new HashMap<>(goNow);
        Map<String, NewMessage> byId = new HashMap<>();
        for (NewMessage m : messages) {
            if (byId.putIfAbsent(m.messageId(), m) != null) {
                continue;
            }
            for (Webhook w : m.webhooks()) {
                Integer room = left.get(w.id());
                leased.add(room == null || room > 0);
                if (room != null) {
                    left.put(w.id(), room - 1);
                }
                webhookIds.add(w.id());
                messageIds.add(m.messageId());
                events.add(m.event());
                payloads.add(m.payload());
                dedup.add(m.dedup());
            }
        }
        if (webhookIds.isEmpty()) {
            return List.of();
        }
        // A message with a Nats-Msg-Id stores its deliveries only if the id is new, or last seen over 24 hours ago:
        // remembering the id and storing the deliveries are one statement, so neither happens without the other (a
        // batch stored again after a failure finds its ids not remembered). Only ids come back: the payloads are known
        // here and need not cross the wire twice.
        List<Delivery> stored = db.query("WITH t AS ("
                        + "SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::boolean[]) AS t(w, m, e, p, l, d)"
                        + "), remembered AS ("
                        + "INSERT INTO message_ids (message_id) SELECT DISTINCT m FROM t WHERE d "
                        + "ON CONFLICT (message_id) DO UPDATE SET seen_at = now() "
                        + "WHERE message_ids.seen_at < now() - interval '24 hours' RETURNING message_id) "
                        + "INSERT INTO deliveries (webhook_id, message_id, event, payload, next_attempt_at) "
                        + "SELECT w, m, e, p, CASE WHEN l THEN ?::timestamptz ELSE now() END FROM t "
                        + "WHERE NOT d OR m IN (SELECT message_id FROM remembered) "
                        + "RETURNING id, created_at, webhook_id, message_id, next_attempt_at > now() AS leased",
                rs -> {
                    if (!rs.getBoolean("leased")) {
                        return null;
                    }
                    NewMessage m = byId.get(rs.getString("message_id"));
                    Instant created = Db.instant(rs, "created_at");
                    return new Delivery(rs.getLong("id"), created, created, rs.getLong("webhook_id"), m.messageId(), m.event(),
                            m.payload(), Delivery.PENDING, 0, leaseUntil, null, null);
                },
                webhookIds.toArray(Long[]::new), messageIds.toArray(String[]::new), events.toArray(String[]::new),
                payloads.toArray(String[]::new), leased.toArray(Boolean[]::new), dedup.toArray(Boolean[]::new), leaseUntil);
        stored.removeIf(java.util.Objects::isNull);
        return stored;
    }

    /**
     * Takes up to {@code limit} due deliveries and leases them, so each due delivery is attempted by one instance.
     * Flow control (SPEC §8) leaves rows in the database: none of the webhooks in {@code full} (every slot of
     * this instance taken), none of a webhook whose circuit is not closed or whose rate-limit bucket is empty,
     * and of any other webhook at most its {@code max_in_flight} less {@code inFlight} of it. Deliveries of
     * disabled or deleted webhooks are taken whatever their flow state, to be failed. Webhooks whose due
     * deliveries did not all fit in their slots are added to {@code leftBehind}.
     */
    public List<Delivery> claimDue(int limit, Duration lease, List<Long> full, java.util.function.ToIntFunction<Long> inFlight,
                                   Set<Long> leftBehind) {
        Map<Long, Integer> room = new HashMap<>();
        List<Long> picked = new ArrayList<>();
        db.query("SELECT d.id, d.webhook_id, w.max_in_flight, (w.enabled AND w.deleted_at IS NULL) AS live "
                        + "FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                        + "WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND NOT (d.webhook_id = ANY (?)) "
                        + "AND (NOT w.enabled OR w.deleted_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM webhook_flow f "
                        + "WHERE f.webhook_id = d.webhook_id AND (f.circuit <> 'closed' OR w.rate_limit IS NOT NULL AND f.rate_at IS NOT NULL "
                        + "AND f.rate_tokens + extract(epoch FROM clock_timestamp() - f.rate_at) * w.rate_limit < 1))) "
                        + "ORDER BY d.next_attempt_at LIMIT ?",
                rs -> {
                    long webhookId = rs.getLong("webhook_id");
                    if (!rs.getBoolean("live")) {
                        picked.add(rs.getLong("id"));
                        return null;
                    }
                    int left = room.containsKey(webhookId) ? room.get(webhookId) : rs.getInt("max_in_flight") - inFlight.applyAsInt(webhookId);
                    if (left > 0) {
                        picked.add(rs.getLong("id"));
                    } else {
                        leftBehind.add(webhookId);
                    }
                    room.put(webhookId, left - 1);
                    return null;
                }, full.toArray(Long[]::new), limit);
        return lease(picked, lease);
    }

    /**
     * Takes the oldest due deliveries of each webhook in {@code slots} (webhook id to free slots), at most that
     * many of each: a freed slot refilled from the webhook's deliveries waiting in the database.
     */
    public List<Delivery> claimDueOf(Map<Long, Integer> slots, Duration lease) {
        if (slots.isEmpty()) {
            return List.of();
        }
        List<Long> ids = new ArrayList<>(slots.keySet());
        Integer[] counts = ids.stream().map(slots::get).toArray(Integer[]::new);
        // one statement: lock at most k due rows of each webhook (skipping rows another instance is taking) and lease them
        return db.query("UPDATE deliveries SET next_attempt_at = now() + ?::interval, updated_at = now() WHERE id IN ("
                        + "SELECT c.id FROM unnest(?::bigint[], ?::int[]) AS w(id, k) CROSS JOIN LATERAL ("
                        + "SELECT d.id FROM deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now() "
                        + "ORDER BY d.next_attempt_at LIMIT w.k FOR UPDATE SKIP LOCKED) c) RETURNING " + COLUMNS,
                DeliveryStore::map, lease.toMillis() + " milliseconds", ids.toArray(Long[]::new), counts);
    }

    /**
     * Leases the picked deliveries. The rows were read without locks: the update takes each row's lock and checks
     * again that it is still due, so a row another instance leased meanwhile is not taken twice.
     */
    private List<Delivery> lease(List<Long> picked, Duration lease) {
        if (picked.isEmpty()) {
            return List.of();
        }
        return db.query("UPDATE deliveries SET next_attempt_at = now() + ?::interval, updated_at = now() WHERE id = ANY (?) "
                        + "AND status = 'pending' AND next_attempt_at <= now() RETURNING " + COLUMNS, DeliveryStore::map,
                lease.toMillis() + " milliseconds", picked.toArray(Long[]::new));
    }

    /** The due delivery a probe of the webhook's open circuit sends (the oldest), leased; empty when none is due. */
    public Optional<Delivery> claimProbe(long webhookId, Duration lease) {
        return db.queryOne("UPDATE deliveries SET next_attempt_at = now() + ?::interval, updated_at = now() WHERE id = ("
                        + "SELECT id FROM deliveries WHERE webhook_id = ? AND status = 'pending' AND next_attempt_at <= now() "
                        + "ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS,
                DeliveryStore::map, lease.toMillis() + " milliseconds", webhookId);
    }

    /** Makes every pending delivery of a webhook due now: its webhook was disabled and the retry poller fails them. */
    public void makeAllDue(long webhookId) {
        db.update("UPDATE deliveries SET next_attempt_at = now(), updated_at = now() WHERE webhook_id = ? AND status = 'pending'", webhookId);
    }

    /**
     * Gives leased deliveries back as due at {@code at} (now when null), with their attempts unchanged: flow
     * control did not let them go out yet.
     */
    public void makeDue(List<Long> ids, Instant at) {
        if (!ids.isEmpty()) {
            db.update("UPDATE deliveries SET next_attempt_at = coalesce(?::timestamptz, now()), updated_at = now() WHERE id = ANY (?) AND status = 'pending'",
                    at, ids.toArray(Long[]::new));
        }
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

    /** Due deliveries of enabled webhooks whose circuit is open or half open. */
    public long countWaitingOnCircuit() {
        return db.queryLong("SELECT count(*) FROM deliveries d JOIN webhook_flow f ON f.webhook_id = d.webhook_id "
                + "JOIN webhooks w ON w.id = d.webhook_id WHERE d.status = 'pending' AND d.next_attempt_at <= now() "
                + "AND f.circuit <> 'closed' AND w.enabled AND w.deleted_at IS NULL");
    }

    /**
     * Deliveries of enabled, rate-limited webhooks with a closed circuit that are due now or in the next second
     * (where flow control puts those over the limit): waiting for their turn within the rate limit.
     */
    public long countWaitingOnRateLimit() {
        return db.queryLong("SELECT count(*) FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                + "WHERE d.status = 'pending' AND d.next_attempt_at <= now() + interval '1 second' AND w.rate_limit IS NOT NULL "
                + "AND w.enabled AND w.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM webhook_flow f "
                + "WHERE f.webhook_id = d.webhook_id AND f.circuit <> 'closed')");
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
