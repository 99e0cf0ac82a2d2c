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
     * One index-only scan of webhook_logs_user_time; date_bin puts each attempt in its bucket without numeric
     * arithmetic per row, and percentile_disc is the nearest-rank percentile of the bucket's durations.
     */
    public List<Bucket> buckets(long userId, Long webhookId, Instant since, Instant until, Duration size) {
        long seconds = size.toSeconds();
        SqlFilter where = new SqlFilter().add("created_by_id = ?", userId).add("created_at >= ?", since).add("created_at < ?", until);
        if (webhookId != null) {
            where.add("webhook_id = ?", webhookId);
        }
        Map<Long, Bucket> found = new HashMap<>();
        db.query("SELECT date_bin(?::interval, created_at, ?::timestamptz) AS b, "
                        + "count(*) FILTER (WHERE response_status_code BETWEEN 200 AND 299) AS delivered, count(*) AS attempts, "
                        + "percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50, "
                        + "percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95 "
                        + "FROM webhook_logs WHERE " + where.sql() + " GROUP BY 1",
                rs -> {
                    Instant start = Db.instant(rs, "b");
                    long delivered = rs.getLong("delivered");
                    long attempts = rs.getLong("attempts");
                    found.put(Duration.between(since, start).toSeconds() / seconds,
                            new Bucket(start, delivered, attempts - delivered, attempts, rs.getInt("p50"), rs.getInt("p95")));
                    return null;
                }, where.paramsAfter(seconds + " seconds", since));
        List<Bucket> buckets = new ArrayList<>();
        long count = bucketCount(since, until, size);
        for (long i = 0; i < count; i++) {
            Bucket b = found.get(i);
            buckets.add(b != null ? b : new Bucket(since.plusSeconds(i * seconds), 0, 0, 0, null, null));
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
