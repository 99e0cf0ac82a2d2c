package hukz.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a dashboard shows: attempts per time bucket of one user's webhooks, and their pending deliveries now. */
public final class StatsStore {
    /** One bucket: attempts that succeeded (2xx), failed, in all, and the attempts' duration percentiles (null when none). */
    public record Bucket(Instant start, long delivered, long failedAttempts, long attempts, Integer p50Ms, Integer p95Ms) {
    }

    /** Pending deliveries and the age of the oldest in whole seconds (null when none). */
    public record Pending(long count, Long oldestAgeSeconds) {
    }

    private final Db db;
    private final ClosedBuckets closed = new ClosedBuckets();

    public StatsStore(Db db) {
        this.db = db;
    }

    /** How many buckets of {@code size} cover [since, until): the last one may end after until. */
    public static long bucketCount(Instant since, Instant until, Duration size) {
        Duration span = Duration.between(since, until);
        long whole = span.getSeconds() / size.getSeconds();
        return span.minusSeconds(whole * size.getSeconds()).isZero() ? whole : whole + 1;
    }

    /**
     * The buckets of {@code size} that start at {@code since} and cover [since, until), empty ones included.
     * Closed buckets asked for before come from memory ({@link ClosedBuckets}); the rest, from the first one
     * not remembered on, from one index-only scan of webhook_logs_user_time: date_bin puts each attempt in its
     * bucket, and percentile_disc is the nearest-rank percentile of the bucket's durations.
     */
    public List<Bucket> buckets(long userId, Long webhookId, Instant since, Instant until, Duration size) {
        long seconds = size.toSeconds();
        long count = bucketCount(since, until, size);
        Instant now = Instant.now();
        List<Bucket> buckets = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            Bucket known = closed.get(new ClosedBuckets.Key(userId, webhookId, since.plusSeconds(i * seconds), seconds), now);
            if (known == null) {
                break;
            }
            buckets.add(known);
        }
        if (buckets.size() == count) {
            return buckets;
        }
        Instant from = since.plusSeconds(buckets.size() * seconds);
        SqlFilter where = new SqlFilter().add("created_by_id = ?", userId).add("created_at >= ?", from).add("created_at < ?", until);
        if (webhookId != null) {
            where.add("webhook_id = ?", webhookId);
        }
        Map<Instant, Bucket> found = new HashMap<>();
        db.query("SELECT date_bin(?::interval, created_at, ?::timestamptz) AS b, "
                        + "count(*) FILTER (WHERE response_status_code BETWEEN 200 AND 299) AS delivered, count(*) AS attempts, "
                        + "percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50, "
                        + "percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95 "
                        + "FROM webhook_logs WHERE " + where.sql() + " GROUP BY 1",
                rs -> {
                    Instant start = Db.instant(rs, "b");
                    long delivered = rs.getLong("delivered");
                    long attempts = rs.getLong("attempts");
                    found.put(start, new Bucket(start, delivered, attempts - delivered, attempts, rs.getInt("p50"), rs.getInt("p95")));
                    return null;
                }, where.paramsAfter(seconds + " seconds", since));
        for (long i = buckets.size(); i < count; i++) {
            Instant start = since.plusSeconds(i * seconds);
            Bucket b = found.getOrDefault(start, new Bucket(start, 0, 0, 0, null, null));
            if (ClosedBuckets.closed(start, size, now)) {
                closed.put(new ClosedBuckets.Key(userId, webhookId, start, seconds), b, now);
            }
            buckets.add(b);
        }
        return buckets;
    }

    /** The user's pending deliveries (of one webhook when given), from the partial index deliveries_pending. */
    public Pending pending(long userId, Long webhookId) {
        SqlFilter where = new SqlFilter().add("d.status = 'pending'").add("w.created_by_id = ?", userId);
        if (webhookId != null) {
            where.add("d.webhook_id = ?", webhookId);
        }
        return db.queryOne("SELECT count(*) AS n, floor(extract(epoch FROM now() - min(d.created_at)))::bigint AS age "
                        + "FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE " + where.sql(),
                rs -> {
                    long n = rs.getLong("n");
                    long age = rs.getLong("age");
                    return new Pending(n, rs.wasNull() ? null : Math.max(0, age));
                }, where.params()).orElseThrow();
    }
}
