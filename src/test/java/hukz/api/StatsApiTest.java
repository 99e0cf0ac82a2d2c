package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.as;
import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET /stats over attempts that really happened (real receivers answering 200 and 500) and over attempts
 * written at chosen times, to see which bucket each lands in and the percentiles of their durations.
 */
class StatsApiTest {
    static TestHukz hukz;
    static Api api;
    static NatsPublisher nats;
    static Receiver ok;
    static Receiver failing;
    static long okHook;
    static long failingHook;
    static long user3Hook;

    @BeforeAll
    static void start() {
        // all 4 attempts of each failing delivery are counted below: more than circuit_failures failures in a row
        // would open the webhook's circuit and hold the last ones (CircuitTest's subject)
        hukz = TestHukz.start(Map.of("circuit_failures", "1000"));
        api = hukz.api;
        nats = NatsPublisher.shared();
        ok = new Receiver();
        failing = new Receiver().always(r -> Receiver.Answer.status(500));
        long a = api.createEvent("stats.a");
        okHook = as(api, 1, "POST", "/webhooks", json("name", "ok", "url", ok.url(), "event_ids", List.of(a))).id();
        failingHook = as(api, 1, "POST", "/webhooks", json("name", "failing", "url", failing.url(), "event_ids", List.of(a))).id();
        long user2Hook = as(api, 2, "POST", "/webhooks", json("name", "user 2", "url", ok.url(), "event_ids", List.of(a))).id();
        user3Hook = as(api, 3, "POST", "/webhooks", json("name", "user 3", "url", ok.url(), "event_ids", List.of(a))).id();
        // user 3's hook only receives the attempts written below; disabling it keeps NATS messages off it
        as(api, 3, "PUT", "/webhooks/" + user3Hook, json("name", "user 3", "url", ok.url(), "event_ids", List.of(a), "enabled", false));
        nats.publish("stats.a", "{\"n\":1}");
        nats.publish("stats.a", "{\"n\":2}");
        // okHook: 2 delivered; failingHook: 2 deliveries x 4 attempts (retry_schedule has 3 steps); user 2: 2
        await().atMost(Duration.ofSeconds(30)).until(() -> logTotal(1, "") == 10 && logTotal(2, "") == 2
                && api.get("/deliveries?status=pending").json().get("total").asInt() == 0);
        assertThat(user2Hook).isPositive();
    }

    @AfterAll
    static void stop() {
        nats.close();
        ok.close();
        failing.close();
        hukz.close();
    }

    static int logTotal(long user, String query) {
        return as(api, user, "GET", "/webhooks/logs" + query, null).json().get("total").asInt();
    }

    static JsonNode stats(long user, String query) {
        Api.Response r = as(api, user, "GET", "/stats" + query, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    static long sum(JsonNode stats, String field) {
        long total = 0;
        for (JsonNode b : stats.get("buckets")) {
            total += b.get(field).asLong();
        }
        return total;
    }

    static String q(Instant t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void defaultIsTheLastDayInHourBucketsOfTheCallersAttempts() {
        JsonNode s = stats(1, "");
        assertThat(s.fieldNames()).toIterable().containsExactlyInAnyOrder("buckets", "pending", "oldest_pending_age_s");
        assertThat(s.get("buckets")).hasSize(24);
        Instant first = Instant.parse(s.get("buckets").get(0).get("start").asText());
        Instant last = Instant.parse(s.get("buckets").get(23).get("start").asText());
        assertThat(Duration.between(first, last)).isEqualTo(Duration.ofHours(23));
        // buckets on the clock's hours, the last one the hour now is in
        assertThat(first.truncatedTo(ChronoUnit.HOURS)).isEqualTo(first);
        assertThat(last).isEqualTo(Instant.now().truncatedTo(ChronoUnit.HOURS));
        assertThat(sum(s, "delivered")).isEqualTo(2);
        assertThat(sum(s, "failed_attempts")).isEqualTo(8);
        assertThat(sum(s, "attempts")).isEqualTo(10);
        assertThat(s.get("pending").asLong()).isZero();
        assertThat(s.get("oldest_pending_age_s").isNull()).isTrue();

        JsonNode other = stats(2, "");
        assertThat(sum(other, "attempts")).isEqualTo(2);
        assertThat(sum(other, "failed_attempts")).isZero();
    }

    @Test
    void webhookIdNarrowsToOneWebhook() {
        assertThat(sum(stats(1, "?webhook_id=" + failingHook), "attempts")).isEqualTo(8);
        assertThat(sum(stats(1, "?webhook_id=" + okHook), "delivered")).isEqualTo(2);
        // another user's webhook shows nothing of theirs
        assertThat(sum(stats(2, "?webhook_id=" + okHook), "attempts")).isZero();
    }

    @Test
    void attemptsLandInTheirBucketWithPercentilesOfTheirDurations() {
        Instant since = Instant.parse("2026-01-01T00:00:00Z");
        insertLog(3, since.plus(10, ChronoUnit.MINUTES), 200, 10);
        insertLog(3, since.plus(20, ChronoUnit.MINUTES), 200, 20);
        insertLog(3, since.plus(30, ChronoUnit.MINUTES), 500, 30);
        insertLog(3, since.plus(59, ChronoUnit.MINUTES), 200, 40);
        insertLog(3, since.plus(150, ChronoUnit.MINUTES), 0, 5000);
        insertLog(3, since.plus(180, ChronoUnit.MINUTES), 200, 1); // at until: outside [since, until)
        JsonNode s = stats(3, "?since=" + q(since) + "&until=" + q(since.plus(3, ChronoUnit.HOURS)));
        JsonNode b = s.get("buckets");
        assertThat(b).hasSize(3);
        assertThat(b.get(0).get("start").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(b.get(0).get("attempts").asLong()).isEqualTo(4);
        assertThat(b.get(0).get("delivered").asLong()).isEqualTo(3);
        assertThat(b.get(0).get("failed_attempts").asLong()).isEqualTo(1);
        assertThat(b.get(0).get("p50_ms").asInt()).isEqualTo(20);
        assertThat(b.get(0).get("p95_ms").asInt()).isEqualTo(40);
        assertThat(b.get(1).get("start").asText()).isEqualTo("2026-01-01T01:00:00Z");
        assertThat(b.get(1).get("attempts").asLong()).isZero();
        assertThat(b.get(1).get("p50_ms").isNull()).isTrue();
        assertThat(b.get(1).get("p95_ms").isNull()).isTrue();
        assertThat(b.get(2).get("failed_attempts").asLong()).isEqualTo(1);
        assertThat(b.get(2).get("p95_ms").asInt()).isEqualTo(5000);

        JsonNode minutes = stats(3, "?bucket=1m&since=" + q(since) + "&until=" + q(since.plus(1, ChronoUnit.HOURS)));
        assertThat(minutes.get("buckets")).hasSize(60);
        assertThat(minutes.get("buckets").get(10).get("attempts").asLong()).isEqualTo(1);
        assertThat(minutes.get("buckets").get(11).get("attempts").asLong()).isZero();
        assertThat(minutes.get("buckets").get(59).get("start").asText()).isEqualTo("2026-01-01T00:59:00Z");
    }

    @Test
    void theOpenBucketFollowsNewAttemptsWhileClosedOnesAreRemembered() {
        Instant since = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(10, ChronoUnit.MINUTES);
        // until is a minute past the one now is in, so the attempt below lands inside even if the minute turns
        String range = "?bucket=1m&since=" + q(since) + "&until=" + q(since.plus(12, ChronoUnit.MINUTES));
        insertLog(4, since.plusSeconds(30), 200, 7);
        JsonNode before = stats(4, range).get("buckets");
        assertThat(before.get(0).get("attempts").asLong()).isEqualTo(1);
        assertThat(before.get(10).get("attempts").asLong()).isZero();
        // an attempt now lands in the last bucket, which is still open
        insertLog(4, Instant.now(), 500, 9);
        JsonNode after = stats(4, range).get("buckets");
        assertThat(after.get(0).get("attempts").asLong()).isEqualTo(1);
        assertThat(sum(stats(4, range), "failed_attempts")).isEqualTo(1);
    }

    @Test
    void pendingCountsTheCallersPendingDeliveriesAndTheOldestAge() {
        Sql.execute(hukz.database(), "INSERT INTO deliveries (created_at, webhook_id, message_id, event, payload, status, next_attempt_at) "
                + "VALUES (now() - interval '1 hour', " + user3Hook + ", 'msg_old', 'stats.a', '{}', 'pending', now() + interval '1 day'), "
                + "(now() - interval '5 minutes', " + user3Hook + ", 'msg_new', 'stats.a', '{}', 'pending', now() + interval '1 day')");
        JsonNode s = stats(3, "");
        assertThat(s.get("pending").asLong()).isEqualTo(2);
        assertThat(s.get("oldest_pending_age_s").asLong()).isBetween(3600L, 3600L + 600);
        assertThat(stats(1, "").get("pending").asLong()).isZero();
    }

    @Test
    void aDayOfMinuteBucketsIsTheMostAllowed() {
        Instant until = Instant.parse("2026-02-01T00:00:00Z");
        assertThat(stats(1, "?bucket=1m&since=" + q(until.minus(1, ChronoUnit.DAYS)) + "&until=" + q(until)).get("buckets")).hasSize(1440);
        assertError(as(api, 1, "GET", "/stats?bucket=1m&since=" + q(until.minus(1, ChronoUnit.DAYS).minusSeconds(1)) + "&until=" + q(until), null),
                400, null, "bucket");
        // the default window in minute buckets is exactly the limit
        assertThat(stats(1, "?bucket=1m").get("buckets")).hasSize(1440);
        assertError(as(api, 1, "GET", "/stats?since=" + q(until.minus(61, ChronoUnit.DAYS)) + "&until=" + q(until), null), 400, null, "bucket");
    }

    @Test
    void badParametersAre4xxInTheErrorShape() {
        assertError(as(api, 1, "GET", "/stats?bucket=5m", null), 400, "bucket must be 1m or 1h", "bucket");
        assertError(as(api, 1, "GET", "/stats?since=yesterday", null), 400, null, "since");
        assertError(as(api, 1, "GET", "/stats?until=2026-13-01T00:00:00Z", null), 400, null, "until");
        assertError(as(api, 1, "GET", "/stats?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", null), 400, null, "since");
        assertError(as(api, 1, "GET", "/stats?webhook_id=abc", null), 400, "Invalid ID", "");
        assertError(as(api, 1, "GET", "/stats?since=-100000-01-01T00:00:00Z&until=-100000-01-01T01:00:00Z", null), 400, null, null);
        assertError(as(api, 1, "GET", "/stats?since=%2B100000-01-01T00:00:00Z", null), 400, null, "since");
        assertError(api.send("GET", "/stats", null), 401, null, null);
        assertError(api.send("GET", "/stats", null, "X-User", "0"), 401, null, null);
    }

    static void insertLog(long user, Instant at, int status, int durationMs) {
        Sql.execute(hukz.database(), "INSERT INTO webhook_logs (created_at, created_by_id, event, url, response_status_code, webhook_id, "
                + "attempt, duration_ms) VALUES ('" + at + "', " + user + ", 'stats.a', 'http://x', " + status + ", " + user3Hook + ", 1, "
                + durationMs + ")");
    }
}
