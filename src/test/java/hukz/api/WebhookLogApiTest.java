package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.Cleanup;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static hukz.api.ApiAssert.as;
import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.assertRfc3339Utc;
import static hukz.api.ApiAssert.json;
import static hukz.api.ApiAssert.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET /webhooks/logs over attempts that really happened: messages published to NATS, delivered to real
 * receivers (one answering 200 JSON, one 500 text, one not listening), for two users' webhooks.
 */
class WebhookLogApiTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static TestHukz hukz;
    static Api api;
    static NatsPublisher nats;
    static Receiver ok;
    static Receiver failing;
    static Receiver big;
    static long okHook;
    static long failingHook;
    static long refusedHook;
    static long bigHook;
    static long otherUsersHook;
    static String refusedUrl;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
        nats = NatsPublisher.shared();
        ok = new Receiver().always(r -> new Receiver.Answer(200, "{\"ok\":true}", Map.of("Content-Type", "application/json"), Duration.ZERO));
        failing = new Receiver().always(r -> new Receiver.Answer(500, "boom", Map.of("Content-Type", "text/plain"), Duration.ZERO));
        big = new Receiver().always(r -> new Receiver.Answer(200, "x".repeat(100 * 1024), Map.of(), Duration.ZERO));
        refusedUrl = "http://127.0.0.1:" + closedPort() + "/hook";

        long a = api.createEvent("log.a");
        long b = api.createEvent("log.b");
        long c = api.createEvent("log.c");
        long large = api.createEvent("log.big");
        okHook = as(api, 1, "POST", "/webhooks", json("name", "ok", "url", ok.url(), "event_ids", List.of(a, b), "tags", Map.of("team", "core"))).id();
        failingHook = as(api, 1, "POST", "/webhooks", json("name", "failing", "url", failing.url(), "event_ids", List.of(a),
                "tags", Map.of("team", "edge"))).id();
        refusedHook = as(api, 1, "POST", "/webhooks", json("name", "refused", "url", refusedUrl, "event_ids", List.of(c))).id();
        bigHook = as(api, 1, "POST", "/webhooks", json("name", "big", "url", big.url(), "event_ids", List.of(large))).id();
        otherUsersHook = as(api, 2, "POST", "/webhooks", json("name", "user 2", "url", ok.url(), "event_ids", List.of(a),
                "tags", Map.of("team", "core"))).id();

        nats.publish("log.a", "{\"n\":1}");
        // okHook's log.a attempt is older than its log.b attempt: newest first puts log.b ahead
        await().atMost(WAIT).until(() -> total(1, "/webhooks/logs?webhook_id=" + okHook) == 1);
        nats.publish("log.b", "{\"n\":2}");
        nats.publish("log.c", "{\"n\":3}");
        nats.publish("log.big", "{\"n\":4}");
        // okHook: log.a + log.b; failingHook: 4 attempts of log.a; refusedHook: 4 attempts; bigHook: 1
        await().atMost(WAIT).until(() -> total(1, "/webhooks/logs") == 11 && total(2, "/webhooks/logs") == 1
                && deliveriesSettled());
    }

    static boolean deliveriesSettled() {
        return hukz.api.get("/deliveries?status=pending").json().get("total").asInt() == 0;
    }

    static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(nats, ok, failing, big, hukz);
    }

    static JsonNode logs(long user, String path) {
        Api.Response r = as(api, user, "GET", path, null);
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
        return r.json();
    }

    static int total(long user, String path) {
        return logs(user, path).get("total").asInt();
    }

    static List<JsonNode> nodes(JsonNode page) {
        List<JsonNode> list = new ArrayList<>();
        page.get("nodes").forEach(list::add);
        return list;
    }

    static Set<Long> webhookIds(JsonNode page) {
        Set<Long> ids = new HashSet<>();
        page.get("nodes").forEach(n -> ids.add(n.get("webhook_id").asLong()));
        return ids;
    }

    static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void logsRouteIsNotTakenForAWebhookId() {
        Api.Response r = api.get("/webhooks/logs");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().has("total")).isTrue();
        assertThat(r.json().has("nodes")).isTrue();
    }

    @Test
    void onlyAttemptsOfWebhooksTheCallerCreatedAreListed() {
        JsonNode mine = logs(1, "/webhooks/logs?limit=100");
        assertThat(mine.get("total").asInt()).isEqualTo(11);
        assertThat(webhookIds(mine)).containsExactlyInAnyOrder(okHook, failingHook, refusedHook, bigHook);
        nodes(mine).forEach(n -> assertThat(n.get("created_by_id").asLong()).isEqualTo(1));

        JsonNode theirs = logs(2, "/webhooks/logs");
        assertThat(theirs.get("total").asInt()).isEqualTo(1);
        assertThat(webhookIds(theirs)).containsExactly(otherUsersHook);
        assertThat(theirs.get("nodes").get(0).get("created_by_id").asLong()).isEqualTo(2);

        JsonNode nobody = logs(3, "/webhooks/logs");
        assertThat(nobody.get("total").asInt()).isZero();
        assertThat(nobody.get("nodes")).isEmpty();
        assertThat(total(2, "/webhooks/logs?webhook_id=" + okHook)).as("another user's webhook, asked by id").isZero();
    }

    @Test
    void newestAttemptComesFirst() {
        List<JsonNode> all = nodes(logs(1, "/webhooks/logs?limit=100"));
        for (int i = 1; i < all.size(); i++) {
            OffsetDateTime newer = assertRfc3339Utc(all.get(i - 1).get("created_at"));
            OffsetDateTime older = assertRfc3339Utc(all.get(i).get("created_at"));
            assertThat(newer).isAfterOrEqualTo(older);
            if (newer.equals(older)) {
                assertThat(all.get(i - 1).get("id").asLong()).isGreaterThan(all.get(i).get("id").asLong());
            }
        }
        List<JsonNode> okAttempts = nodes(logs(1, "/webhooks/logs?webhook_id=" + okHook));
        assertThat(okAttempts).extracting(n -> n.get("event").asText()).containsExactly("log.b", "log.a");
        List<JsonNode> retries = nodes(logs(1, "/webhooks/logs?webhook_id=" + failingHook));
        assertThat(retries).extracting(n -> n.get("attempt").asInt()).containsExactly(4, 3, 2, 1);
    }

    @Test
    void successfulAttemptRowHasEveryFieldOfTheSpec() throws Exception {
        JsonNode row = logs(1, "/webhooks/logs?webhook_id=" + okHook + "&event=log.a").get("nodes").get(0);
        assertThat(row.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "created_at", "created_by_id", "event", "url",
                "response_status_code", "data", "response_body", "tags", "webhook_id", "delivery_id", "message_id", "attempt",
                "duration_ms", "error");
        Receiver.Request sent = ok.requests().stream().filter(r -> r.body().contains("\"log.a\"")).findFirst().orElseThrow();

        assertThat(row.get("id").asLong()).isPositive();
        OffsetDateTime at = assertRfc3339Utc(row.get("created_at"));
        assertThat(at.toInstant()).isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(5));
        assertThat(row.get("created_by_id").asLong()).isEqualTo(1);
        assertThat(row.get("event").asText()).isEqualTo("log.a");
        assertThat(row.get("url").asText()).isEqualTo(ok.url());
        assertThat(row.get("response_status_code").asInt()).isEqualTo(200);
        assertThat(row.get("data").isObject()).as("data is the JSON sent, not a string").isTrue();
        assertThat(row.get("data")).isEqualTo(ApiAssert.parse(sent.body()));
        assertThat(row.get("data").get("payload")).isEqualTo(object("n", 1));
        assertThat(row.get("response_body")).as("a JSON response is kept as JSON").isEqualTo(object("ok", true));
        assertThat(row.get("tags")).isEqualTo(object("team", "core"));
        assertThat(row.get("webhook_id").asLong()).isEqualTo(okHook);
        assertThat(row.get("delivery_id").isIntegralNumber()).isTrue();
        assertThat(api.get("/deliveries/" + row.get("delivery_id").asLong()).json().get("webhook_id").asLong()).isEqualTo(okHook);
        assertThat(row.get("message_id").asText()).isNotBlank().isEqualTo(sent.header("webhook-id"));
        assertThat(row.get("attempt").asInt()).isEqualTo(1);
        assertThat(row.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(row.get("duration_ms").asInt()).isNotNegative();
        assertThat(row.get("error").isNull()).isTrue();
    }

    @Test
    void failedAttemptsKeepTheStatusAndATextBody() {
        List<JsonNode> rows = nodes(logs(1, "/webhooks/logs?webhook_id=" + failingHook));
        assertThat(rows).hasSize(4);
        for (JsonNode row : rows) {
            assertThat(row.get("response_status_code").asInt()).isEqualTo(500);
            assertThat(row.get("response_body").isTextual()).as("a non-JSON response is a JSON string").isTrue();
            assertThat(row.get("response_body").asText()).isEqualTo("boom");
            assertThat(row.get("tags")).isEqualTo(object("team", "edge"));
        }
        assertThat(rows).extracting(r -> r.get("message_id").asText()).as("one message, retried").containsOnly(rows.get(0).get("message_id").asText());
        assertThat(rows).extracting(r -> r.get("delivery_id").asLong()).containsOnly(rows.get(0).get("delivery_id").asLong());
    }

    @Test
    void attemptWithoutAResponseHasStatusZeroAndAnError() {
        List<JsonNode> rows = nodes(logs(1, "/webhooks/logs?webhook_id=" + refusedHook));
        assertThat(rows).hasSize(4);
        for (JsonNode row : rows) {
            assertThat(row.get("response_status_code").asInt()).isZero();
            assertThat(row.get("error").isTextual()).isTrue();
            assertThat(row.get("error").asText()).isNotBlank().hasSizeLessThan(1000);
            assertThat(row.get("response_body").isNull()).isTrue();
            assertThat(row.get("url").asText()).isEqualTo(refusedUrl);
        }
    }

    @Test
    void responseBodyIsCutAt64KiB() {
        JsonNode row = logs(1, "/webhooks/logs?webhook_id=" + bigHook).get("nodes").get(0);
        assertThat(row.get("response_status_code").asInt()).isEqualTo(200);
        assertThat(row.get("response_body").isTextual()).isTrue();
        assertThat(row.get("response_body").asText()).startsWith("xxxx");
        assertThat(row.get("response_body").asText().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void filtersByEventWebhookStatusAndTag() {
        assertThat(webhookIds(logs(1, "/webhooks/logs?event=log.b"))).containsExactly(okHook);
        assertThat(total(1, "/webhooks/logs?event=log.b")).isEqualTo(1);
        assertThat(total(1, "/webhooks/logs?event=log.a")).isEqualTo(5);
        assertThat(total(1, "/webhooks/logs?event=log.*")).as("event is the exact subject").isZero();
        assertThat(total(1, "/webhooks/logs?event=nothing.here")).isZero();

        assertThat(total(1, "/webhooks/logs?webhook_id=" + failingHook)).isEqualTo(4);
        assertThat(total(1, "/webhooks/logs?webhook_id=987654")).isZero();

        JsonNode success = logs(1, "/webhooks/logs?status=success&limit=100");
        assertThat(success.get("total").asInt()).isEqualTo(3);
        nodes(success).forEach(n -> assertThat(n.get("response_status_code").asInt()).isBetween(200, 299));
        JsonNode failed = logs(1, "/webhooks/logs?status=failed&limit=100");
        assertThat(failed.get("total").asInt()).isEqualTo(8);
        nodes(failed).forEach(n -> assertThat(n.get("response_status_code").asInt()).satisfiesAnyOf(s -> assertThat(s).isLessThan(200), s -> assertThat(s).isGreaterThan(299)));
        assertThat(webhookIds(failed)).containsExactlyInAnyOrder(failingHook, refusedHook);

        assertThat(total(1, "/webhooks/logs?tag=team:core")).isEqualTo(2);
        assertThat(total(1, "/webhooks/logs?tag=team:edge")).isEqualTo(4);
        assertThat(total(1, "/webhooks/logs?tag=team:edge&tag=team:core")).isZero();

        assertThat(total(1, "/webhooks/logs?event=log.a&status=success")).isEqualTo(1);
        assertThat(total(1, "/webhooks/logs?event=log.a&status=failed&tag=team:edge&webhook_id=" + failingHook)).isEqualTo(4);
        assertThat(total(2, "/webhooks/logs?status=success&event=log.a&tag=team:core")).isEqualTo(1);
    }

    @Test
    void filtersBySinceAndUntilInclusive() {
        List<JsonNode> all = nodes(logs(1, "/webhooks/logs?limit=100"));
        JsonNode middle = all.get(5);
        String at = middle.get("created_at").asText();
        Instant t = Instant.parse(at);
        long newerOrSame = all.stream().filter(n -> !Instant.parse(n.get("created_at").asText()).isBefore(t)).count();
        long olderOrSame = all.stream().filter(n -> !Instant.parse(n.get("created_at").asText()).isAfter(t)).count();

        JsonNode since = logs(1, "/webhooks/logs?limit=100&since=" + q(at));
        assertThat(since.get("total").asLong()).isEqualTo(newerOrSame);
        nodes(since).forEach(n -> assertThat(Instant.parse(n.get("created_at").asText())).isAfterOrEqualTo(t));
        JsonNode until = logs(1, "/webhooks/logs?limit=100&until=" + q(at));
        assertThat(until.get("total").asLong()).isEqualTo(olderOrSame);
        nodes(until).forEach(n -> assertThat(Instant.parse(n.get("created_at").asText())).isBeforeOrEqualTo(t));
        assertThat(total(1, "/webhooks/logs?since=" + q(at) + "&until=" + q(at))).isGreaterThanOrEqualTo(1);

        assertThat(total(1, "/webhooks/logs?since=" + q(Instant.now().plusSeconds(3600).toString()))).isZero();
        assertThat(total(1, "/webhooks/logs?until=2000-01-01T00:00:00Z")).isZero();
        assertThat(total(1, "/webhooks/logs?since=2000-01-01T00:00:00Z&until=" + q(Instant.now().plusSeconds(3600).toString()))).isEqualTo(11);
        String offsetForm = OffsetDateTime.parse(at).withOffsetSameInstant(java.time.ZoneOffset.ofHours(2)).toString();
        assertThat(total(1, "/webhooks/logs?since=" + q(offsetForm))).as("an RFC 3339 time with an offset").isEqualTo((int) newerOrSame);
    }

    @Test
    void logsArePagedWithTheTotalBeforePaging() {
        List<JsonNode> all = nodes(logs(1, "/webhooks/logs?limit=100"));
        JsonNode first = logs(1, "/webhooks/logs?limit=4");
        assertThat(first.get("total").asInt()).isEqualTo(11);
        assertThat(nodes(first)).containsExactlyElementsOf(all.subList(0, 4));
        assertThat(nodes(logs(1, "/webhooks/logs?limit=4&page=3"))).containsExactlyElementsOf(all.subList(8, 11));
        assertThat(nodes(logs(1, "/webhooks/logs?limit=0&page=-1"))).containsExactlyElementsOf(all.subList(0, 11));
        assertThat(logs(1, "/webhooks/logs?page=5").get("nodes")).isEmpty();
    }

    @Test
    void invalidFiltersAre400() {
        assertError(api.get("/webhooks/logs?status=ok"), 400, null, "status");
        assertError(api.get("/webhooks/logs?status=SUCCESS"), 400, null, "status");
        assertError(api.get("/webhooks/logs?since=yesterday"), 400, null, "since");
        assertError(api.get("/webhooks/logs?until=2024-13-01T00:00:00Z"), 400, null, "until");
        assertError(api.get("/webhooks/logs?webhook_id=abc"), 400, "Invalid ID", null);
        assertError(api.get("/webhooks/logs?tag=team"), 400, null, "tag");
    }
}
