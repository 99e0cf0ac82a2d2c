package hukz.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
     * PostgreSQL counts attempts per bucket and duration (a hash aggregate over an index-only scan of
     * webhook_logs_user_time, no sort); the percentiles are read off those histograms here, with
     * percentile_disc's rule: the first duration whose share of the attempts at or below it reaches p.
     */
    public List<Bucket> buckets(long userId, Long webhookId, Instant since, Instant until, Duration size) {
        long seconds = size.toSeconds();
        SqlFilter where = new SqlFilter().add("created_by_id = ?", userId).add("created_at >= ?", since).add("created_at < ?", until);
        if (webhookId != null) {
            where.add("webhook_id = ?", webhookId);
        }
        Map<Long, TreeMap<Integer, Long>> durations = new HashMap<>();
        Map<Long, long[]> counts = new HashMap<>();
        db.query("SELECT date_bin(?::interval, created_at, ?::timestamptz) AS b, duration_ms, "
                        + "count(*) FILTER (WHERE response_status_code BETWEEN 200 AND 299) AS delivered, count(*) AS attempts "
                        + "FROM webhook_logs WHERE " + where.sql() + " GROUP BY 1, 2",
                rs -> {
                    long b = Duration.between(since, Db.instant(rs, "b")).toSeconds() / seconds;
                    long attempts = rs.getLong("attempts");
                    durations.computeIfAbsent(b, k -> new TreeMap<>()).merge(rs.getInt("duration_ms"), attempts, Long::sum);
                    long[] c = counts.computeIfAbsent(b, k -> new long[2]);
                    c[0] += rs.getLong("delivered");
                    c[1] += attempts;
                    return null;
                }, where.paramsAfter(seconds + " seconds", since));
        List<Bucket> buckets = new ArrayList<>();
        long count = bucketCount(since, until, size);
        for (long i = 0; i < count; i++) {
            Instant start = since.plusSeconds(i * seconds);
            long[] c = counts.get(i);
            buckets.add(c == null ? new Bucket(start, 0, 0, 0, null, null)
                    : new Bucket(start, c[0], c[1] - c[0], c[1], percentile(durations.get(i), c[1], 50), percentile(durations.get(i), c[1], 95)));
        }
        return buckets;
    }

    /** Nearest rank: the smallest duration with at least {@code percent}% of the attempts at or below it. */
    static int percentile(TreeMap<Integer, Long> histogram, long total, int percent) {
        long seen = 0;
        for (Map.Entry<Integer, Long> e : histogram.entrySet()) {
            seen += e.getValue();
            if (seen * 100 >= (long) percent * total) {
                return e.getKey();
            }
        }
        return histogram.lastKey();
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
