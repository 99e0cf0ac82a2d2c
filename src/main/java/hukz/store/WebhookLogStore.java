package hukz.store;

import hukz.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Reads webhook_logs; rows are written by {@link DeliveryStore} with the delivery state they belong to. */
public final class WebhookLogStore {
    private static final String COLUMNS = "id, created_at, created_by_id, event, url, response_status_code, data::text AS data, "
            + "response_body::text AS response_body, tags::text AS tags, webhook_id, delivery_id, message_id, attempt, duration_ms, error";
    private final Db db;

    public WebhookLogStore(Db db) {
        this.db = db;
    }

    /**
     * One page, newest first, and the exact number of matching rows. The page's ids come from an index-only
     * scan of webhook_logs_user_time (skipping the offset there, not in the table); the total is the sum of
     * the webhook_log_counts hours inside the range plus the rows of the partial hours at its ends.
     */
    public Page<WebhookLog> list(LogQuery q) {
        SqlFilter rows = new SqlFilter();
        rows.add("created_by_id = ?", q.userId());
        String tags = q.list().tagsJson();
        if (tags == null || !tags.equals("{}")) {
            rows.add("tags @> ?::jsonb", tags);
        }
        if (q.event() != null) {
            rows.add("event = ?", q.event());
        }
        if (q.webhookId() != null) {
            rows.add("webhook_id = ?", q.webhookId());
        }
        SqlFilter counters = rows.copy();
        if (q.success() != null) {
            rows.add(q.success() ? "response_status_code BETWEEN 200 AND 299" : "response_status_code NOT BETWEEN 200 AND 299");
            counters.add(q.success() ? "success" : "NOT success");
        }
        // PostgreSQL keeps microseconds: the bounds are cut to them first, so the rows and the total agree.
        Instant since = q.since() == null ? null : q.since().truncatedTo(ChronoUnit.MICROS);
        Instant until = q.until() == null ? null : q.until().truncatedTo(ChronoUnit.MICROS);
        Instant end = until == null ? null : until.plus(1, ChronoUnit.MICROS);
        long total = total(rows, counters, since, end);
        long offset = q.list().offset();
        SqlFilter page = rows.copy();
        if (since != null) {
            page.add("created_at >= ?", since);
        }
        if (until != null) {
            page.add("created_at <= ?", until);
        }
        if (offset >= DEEP_PAGE) {
            Skip skip = skipWholeHours(rows, counters, since, end, offset);
            if (skip.before() != null) {
                page.add("created_at < ?", skip.before());
                offset -= skip.rows();
            }
        }
        List<WebhookLog> nodes = db.query("SELECT " + COLUMNS + " FROM webhook_logs WHERE id IN (SELECT id FROM webhook_logs WHERE "
                + page.sql() + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?) ORDER BY created_at DESC, id DESC",
                WebhookLogStore::map, page.params(q.list().limit(), offset));
        return new Page<>(total, nodes);
    }

    /** From this offset on, a page starts by jumping over whole hours (counted in webhook_log_counts) instead of rows. */
    static final long DEEP_PAGE = 2000;

    /** The newest {@code rows} matching rows are exactly those at or after {@code before}; null before: nothing skipped. */
    record Skip(Instant before, long rows) {
    }

    /**
     * How many rows a deep page can jump over without reading them: the rows of the partial hour at the range's
     * newest end, then whole hours, newest first, as long as they all lie before the offset. The page then reads
     * only rows older than the last hour skipped, with the offset that is left.
     */
    private Skip skipWholeHours(SqlFilter rows, SqlFilter counters, Instant from, Instant to, long offset) {
        Instant fullFrom = from == null ? null : ceilHour(from);
        Instant fullTo = to == null ? null : to.truncatedTo(ChronoUnit.HOURS);
        if (fullFrom != null && fullTo != null && !fullFrom.isBefore(fullTo)) {
            return new Skip(null, 0);
        }
        long skipped = 0;
        Instant before = null;
        if (to != null && fullTo.isBefore(to)) {
            skipped = countRows(rows, fullTo, to);
            if (skipped > offset) {
                return new Skip(null, 0);
            }
            before = fullTo;
        }
        SqlFilter full = counters.copy();
        if (fullFrom != null) {
            full.add("hour >= ?", fullFrom);
        }
        if (fullTo != null) {
            full.add("hour < ?", fullTo);
        }
        List<long[]> hours = db.query("SELECT extract(epoch FROM hour)::bigint, sum(n)::bigint FROM webhook_log_counts WHERE " + full.sql()
                + " GROUP BY hour ORDER BY hour DESC", rs -> new long[]{rs.getLong(1), rs.getLong(2)}, full.params());
        for (long[] hour : hours) {
            if (skipped + hour[1] > offset) {
                break;
            }
            skipped += hour[1];
            before = Instant.ofEpochSecond(hour[0]);
        }
        return new Skip(before, skipped);
    }

    /** Rows in [from, to) (either end open when null) that match: full hours from the counters, partial hours counted. */
    private long total(SqlFilter rows, SqlFilter counters, Instant from, Instant to) {
        Instant fullFrom = from == null ? null : ceilHour(from);
        Instant fullTo = to == null ? null : to.truncatedTo(ChronoUnit.HOURS);
        if (fullFrom != null && fullTo != null && !fullFrom.isBefore(fullTo)) {
            return countRows(rows, from, to);
        }
        SqlFilter full = counters.copy();
        if (fullFrom != null) {
            full.add("hour >= ?", fullFrom);
        }
        if (fullTo != null) {
            full.add("hour < ?", fullTo);
        }
        long total = db.queryLong("SELECT coalesce(sum(n), 0) FROM webhook_log_counts WHERE " + full.sql(), full.params());
        if (from != null && from.isBefore(fullFrom)) {
            total += countRows(rows, from, fullFrom);
        }
        if (to != null && fullTo.isBefore(to)) {
            total += countRows(rows, fullTo, to);
        }
        return total;
    }

    private long countRows(SqlFilter rows, Instant from, Instant to) {
        SqlFilter range = rows.copy();
        range.add("created_at >= ?", from);
        range.add("created_at < ?", to);
        return db.queryLong("SELECT count(*) FROM webhook_logs WHERE " + range.sql(), range.params());
    }

    private static Instant ceilHour(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.HOURS);
        return floor.equals(t) ? t : floor.plus(1, ChronoUnit.HOURS);
    }

    public List<WebhookLog> forDelivery(long deliveryId) {
        return db.query("SELECT " + COLUMNS + " FROM webhook_logs WHERE delivery_id = ? ORDER BY id", WebhookLogStore::map, deliveryId);
    }

    public Optional<WebhookLog> find(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM webhook_logs WHERE id = ?", WebhookLogStore::map, id);
    }

    static WebhookLog map(ResultSet rs) throws SQLException {
        long deliveryId = rs.getLong("delivery_id");
        Long delivery = rs.wasNull() ? null : deliveryId;
        return new WebhookLog(rs.getLong("id"), Db.instant(rs, "created_at"), rs.getLong("created_by_id"), rs.getString("event"),
                rs.getString("url"), rs.getInt("response_status_code"), rs.getString("data"), rs.getString("response_body"),
                Json.stringMap(rs.getString("tags")), rs.getLong("webhook_id"), delivery, rs.getString("message_id"),
                rs.getInt("attempt"), rs.getInt("duration_ms"), rs.getString("error"));
    }
}
