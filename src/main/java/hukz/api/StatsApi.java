package hukz.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.store.StatsStore;
import org.apache.camel.Exchange;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * GET /stats: attempts of the caller's webhooks per time bucket, and their pending deliveries, for a
 * dashboard. Buckets start at {@code since} and cover [since, until); by default until is now and since
 * is where the 24 hours up to now begin, on the hour (minute).
 */
public final class StatsApi {
    public static final int MAX_BUCKETS = 1440;
    static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    private final ApiRequest requests;
    private final StatsStore stats;

    public StatsApi(ApiRequest requests, StatsStore stats) {
        this.requests = requests;
        this.stats = stats;
    }

    public void get(Exchange exchange) {
        long user = requests.user(exchange);
        Duration size = bucketSize(ApiRequest.param(exchange, "bucket"));
        Instant until = ApiRequest.instantParam(exchange, "until");
        until = (until == null ? Instant.now() : until).truncatedTo(ChronoUnit.MICROS);
        Instant since = ApiRequest.instantParam(exchange, "since");
        since = (since == null ? defaultSince(until, size) : since).truncatedTo(ChronoUnit.MICROS);
        if (!since.isBefore(until)) {
            throw ApiException.badParam("since", "since must be before until");
        }
        if (StatsStore.bucketCount(since, until, size) > MAX_BUCKETS) {
            throw ApiException.badParam("bucket", "at most " + MAX_BUCKETS + " buckets: use a larger bucket or a shorter range");
        }
        String webhook = ApiRequest.param(exchange, "webhook_id");
        Long webhookId = webhook == null || webhook.isEmpty() ? null : ApiRequest.parseId(webhook);

        ObjectNode root = Json.object();
        ArrayNode buckets = root.putArray("buckets");
        for (StatsStore.Bucket b : stats.buckets(user, webhookId, since, until, size)) {
            ObjectNode n = buckets.addObject();
            n.put("start", Views.time(b.start()));
            n.put("delivered", b.delivered());
            n.put("failed_attempts", b.failedAttempts());
            n.put("attempts", b.attempts());
            n.put("p50_ms", b.p50Ms());
            n.put("p95_ms", b.p95Ms());
        }
        StatsStore.Pending pending = stats.pending(user, webhookId);
        root.put("pending", pending.count());
        root.put("oldest_pending_age_s", pending.oldestAgeSeconds());
        ApiResponses.write(exchange, 200, root);
    }

    /**
     * The last 24 hours in buckets on the clock's hours (minutes): the last bucket is the one now is in, so a
     * chart's bars start on the hour and the closed ones stay the same from one request to the next.
     */
    static Instant defaultSince(Instant until, Duration size) {
        Instant floor = Instant.ofEpochSecond(Math.floorDiv(until.getEpochSecond(), size.toSeconds()) * size.toSeconds());
        return floor.equals(until) ? until.minus(DEFAULT_WINDOW) : floor.minus(DEFAULT_WINDOW).plus(size);
    }

    static Duration bucketSize(String text) {
        if (text == null || text.isEmpty() || text.equals("1h")) {
            return Duration.ofHours(1);
        }
        if (text.equals("1m")) {
            return Duration.ofMinutes(1);
        }
        throw ApiException.badParam("bucket", "bucket must be 1m or 1h");
    }
}
