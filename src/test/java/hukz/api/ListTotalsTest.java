package hukz.api;

import hukz.support.Api;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.as;
import static hukz.api.ApiAssert.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The totals of GET /webhooks/logs and GET /deliveries come from counter tables kept by triggers, not from
 * counting rows: here they are compared with count(*) over the same rows, for every filter and for time
 * ranges that start and end inside hours, on hours, and within one hour; and again after rows change.
 */
class ListTotalsTest {
    static TestHukz hukz;
    static Api api;
    static long hookA;
    static long hookB;
    static long otherUsersHook;
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
        long e1 = api.createEvent("totals.one");
        long e2 = api.createEvent("totals.two");
        // disabled: nothing is delivered to them; the rows below are written directly
        hookA = as(api, 1, "POST", "/webhooks", json("name", "a", "url", "http://127.0.0.1:9/a", "event_ids", List.of(e1, e2),
                "tags", Map.of("team", "core"), "enabled", false)).id();
        hookB = as(api, 1, "POST", "/webhooks", json("name", "b", "url", "http://127.0.0.1:9/b", "event_ids", List.of(e1),
                "tags", Map.of("team", "edge"), "enabled", false)).id();
        otherUsersHook = as(api, 2, "POST", "/webhooks", json("name", "c", "url", "http://127.0.0.1:9/c", "event_ids", List.of(e1),
                "tags", Map.of("team", "core"), "enabled", false)).id();
        // 600 attempts over 10 hours, every 61 s, spread over users, webhooks, events, outcomes and tags;
        // written in three statements, as attempts are written in batches
        for (int part = 0; part < 3; part++) {
            Sql.execute(hukz.database(), "INSERT INTO webhook_logs (created_at, created_by_id, event, url, response_status_code, tags, "
                    + "webhook_id, attempt, duration_ms) SELECT '" + T0 + "'::timestamptz + i * interval '61 seconds', "
                    + "CASE WHEN i % 7 = 0 THEN 2 ELSE 1 END, CASE WHEN i % 3 = 0 THEN 'totals.two' ELSE 'totals.one' END, 'http://x', "
                    + "CASE WHEN i % 4 = 0 THEN 500 WHEN i % 11 = 0 THEN 0 ELSE 200 END, "
                    + "CASE WHEN i % 2 = 0 THEN '{\"team\":\"core\"}'::jsonb ELSE '{\"team\":\"edge\",\"x\":\"y\"}'::jsonb END, "
                    + "CASE WHEN i % 7 = 0 THEN " + otherUsersHook + " WHEN i % 2 = 0 THEN " + hookA + " ELSE " + hookB + " END, 1, i "
                    + "FROM generate_series(" + (part * 200) + ", " + (part * 200 + 199) + ") i");
        }
        Sql.execute(hukz.database(), "INSERT INTO deliveries (webhook_id, message_id, event, payload, status) "
                + "SELECT CASE WHEN i % 3 = 0 THEN " + hookA + " WHEN i % 3 = 1 THEN " + hookB + " ELSE " + otherUsersHook + " END, "
                + "'msg_' || (i % 50), CASE WHEN i % 2 = 0 THEN 'totals.one' ELSE 'totals.two' END, '{}', "
                + "CASE WHEN i % 5 = 0 THEN 'failed' WHEN i % 5 = 1 THEN 'pending' ELSE 'delivered' END FROM generate_series(1, 300) i");
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    static String at(long minutes, long seconds) {
        return URLEncoder.encode(T0.plusSeconds(minutes * 60 + seconds).toString(), StandardCharsets.UTF_8);
    }

    static List<String> logFilters() {
        List<String> filters = new ArrayList<>(List.of("", "status=success", "status=failed", "tag=team:core", "tag=team:edge&tag=x:y",
                "tag=team:edge&tag=team:core", "event=totals.two", "webhook_id=" + hookA, "status=failed&tag=team:edge&event=totals.one"));
        return filters;
    }

    static List<String> ranges() {
        return List.of("", "since=" + at(90, 30), "until=" + at(130, 7), "since=" + at(60, 0) + "&until=" + at(180, 0),
                "since=" + at(61, 1) + "&until=" + at(61, 1), "since=" + at(125, 0) + "&until=" + at(170, 0),
                "since=" + at(59, 59) + "&until=" + at(420, 1), "since=" + at(300, 0) + "&until=" + at(100, 0),
                "until=" + at(-5, 0), "since=" + at(0, 61));
    }

    @Test
    void logTotalsEqualTheRowsThatMatch() {
        for (String filter : logFilters()) {
            for (String range : ranges()) {
                String query = "?" + filter + "&" + range + "&limit=100";
                int total = as(api, 1, "GET", "/webhooks/logs" + query, null).json().get("total").asInt();
                assertThat(total).as(query).isEqualTo(countLogsPaged(query));
            }
        }
    }

    /** The rows themselves, page by page: the total must be what paging through the whole list finds. */
    static int countLogsPaged(String query) {
        int n = 0;
        for (int page = 1; page <= 20; page++) {
            int got = as(api, 1, "GET", "/webhooks/logs" + query + "&page=" + page, null).json().get("nodes").size();
            n += got;
            if (got < 100) {
                return n;
            }
        }
        throw new AssertionError("more than 20 pages for " + query);
    }

    /**
     * Pages deep enough to start by jumping over whole hours (from offset 2,000) hold exactly the rows that
     * ordering all matching rows gives, for every filter and range, at the hours' edges too.
     */
    @Test
    void deepPagesHoldTheRowsOrderingGives() {
        // user 5: 6,000 attempts over 10 hours, one every 6 s, several in the same microsecond at times
        Sql.execute(hukz.database(), "INSERT INTO webhook_logs (created_at, created_by_id, event, url, response_status_code, tags, "
                + "webhook_id, attempt, duration_ms) SELECT '" + T0 + "'::timestamptz + (i / 2 * 2) * interval '6 seconds', 5, "
                + "CASE WHEN i % 3 = 0 THEN 'totals.two' ELSE 'totals.one' END, 'http://x', CASE WHEN i % 4 = 0 THEN 500 ELSE 200 END, "
                + "CASE WHEN i % 2 = 0 THEN '{\"team\":\"core\"}'::jsonb ELSE '{\"team\":\"edge\"}'::jsonb END, " + hookA + ", 1, i "
                + "FROM generate_series(0, 5999) i");
        String[][] cases = {
            {"", ""},
            {"status=failed", "AND response_status_code NOT BETWEEN 200 AND 299"},
            {"tag=team:core", "AND tags @> '{\"team\":\"core\"}'"},
            {"since=" + at(30, 3) + "&until=" + at(550, 0), "AND created_at >= '" + T0.plusSeconds(30 * 60 + 3) + "' AND created_at <= '"
                    + T0.plusSeconds(550 * 60) + "'"},
            {"until=" + at(480, 0), "AND created_at <= '" + T0.plusSeconds(480 * 60) + "'"},
            {"event=totals.one&since=" + at(0, 1), "AND event = 'totals.one' AND created_at >= '" + T0.plusSeconds(1) + "'"},
        };
        for (String[] c : cases) {
            for (int page : new int[]{21, 22, 30, 37, 45, 60}) {
                String query = "/webhooks/logs?" + c[0] + "&limit=100&page=" + page;
                List<String> ids = new ArrayList<>();
                as(api, 5, "GET", query, null).json().get("nodes").forEach(n -> ids.add(n.get("id").asText()));
                String expected = Sql.query(hukz.database(), "SELECT coalesce(string_agg(id::text, ',' ORDER BY created_at DESC, id DESC), '') "
                        + "FROM (SELECT id, created_at FROM webhook_logs WHERE created_by_id = 5 " + c[1]
                        + " ORDER BY created_at DESC, id DESC LIMIT 100 OFFSET " + (page - 1) * 100 + ") t");
                assertThat(String.join(",", ids)).as(query).isEqualTo(expected);
            }
        }
    }

    @Test
    void logTotalsFollowDeletedRows() {
        long before = as(api, 1, "GET", "/webhooks/logs", null).json().get("total").asLong();
        long deleted = Sql.count(hukz.database(), "SELECT count(*) FROM webhook_logs WHERE created_by_id = 1 AND created_at < '"
                + T0.plusSeconds(3 * 3600) + "'");
        assertThat(deleted).isPositive();
        // as retention does: hukz deletes old rows with one statement
        Sql.execute(hukz.database(), "DELETE FROM webhook_logs WHERE created_at < '" + T0.plusSeconds(3 * 3600) + "' AND webhook_id IN ("
                + hookA + ", " + hookB + ", " + otherUsersHook + ")");
        assertThat(as(api, 1, "GET", "/webhooks/logs", null).json().get("total").asLong()).isEqualTo(before - deleted);
        for (String filter : logFilters()) {
            String query = "?" + filter + "&limit=100";
            assertThat(as(api, 1, "GET", "/webhooks/logs" + query, null).json().get("total").asInt()).as(query).isEqualTo(countLogsPaged(query));
        }
    }

    @Test
    void deliveryTotalsEqualTheRowsThatMatchAlsoAfterStatusChanges() {
        checkDeliveryTotals();
        // statuses move as attempts, retries and recovery move them
        Sql.execute(hukz.database(), "UPDATE deliveries SET status = 'delivered' WHERE status = 'pending' AND id % 2 = 0");
        Sql.execute(hukz.database(), "UPDATE deliveries SET status = 'pending', attempts = attempts + 1 WHERE status = 'failed' AND id % 3 = 0");
        Sql.execute(hukz.database(), "UPDATE deliveries SET attempts = attempts + 1");
        checkDeliveryTotals();
    }

    static void checkDeliveryTotals() {
        for (String filter : List.of("", "status=pending", "status=failed", "status=delivered", "webhook_id=" + hookB, "event=totals.two",
                "tag=team:core", "tag=team:edge&status=failed", "message_id=msg_7", "message_id=msg_7&status=failed", "message_id=none",
                "webhook_id=" + hookA + "&event=totals.one&status=delivered")) {
            String query = "?" + filter + "&limit=100";
            int total = as(api, 1, "GET", "/deliveries" + query, null).json().get("total").asInt();
            int n = 0;
            for (int page = 1; page <= 5; page++) {
                n += as(api, 1, "GET", "/deliveries" + query + "&page=" + page, null).json().get("nodes").size();
            }
            assertThat(total).as(query).isEqualTo(n);
        }
    }
}
