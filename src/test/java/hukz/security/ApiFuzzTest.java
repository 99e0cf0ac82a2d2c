package hukz.security;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random and malformed bodies, headers, ids and query strings at every API route. Whatever
 * comes in: no 5xx, every error in the documented shape, and a 4xx changes nothing in the database.
 */
class ApiFuzzTest {
    private static final int REQUESTS = 2000;
    private static final long SEED = Long.getLong("hukz.fuzz.seed", 20261129L);
    static TestHukz hukz;
    static long eventId;
    static long webhookId;

    private static final List<String[]> ROUTES = List.of(
            new String[]{"POST", "/events"}, new String[]{"GET", "/events"}, new String[]{"GET", "/events/{id}"},
            new String[]{"PUT", "/events/{id}"}, new String[]{"DELETE", "/events/{id}"},
            new String[]{"POST", "/webhooks"}, new String[]{"POST", "/webhooks/space/{space}"}, new String[]{"GET", "/webhooks"},
            new String[]{"GET", "/webhooks/space/{space}"}, new String[]{"GET", "/webhooks/space/{space}/check"},
            new String[]{"GET", "/webhooks/{id}"}, new String[]{"PUT", "/webhooks/{id}"}, new String[]{"DELETE", "/webhooks/{id}"},
            new String[]{"GET", "/webhooks/{id}/secret"}, new String[]{"POST", "/webhooks/{id}/secret/rotate"},
            new String[]{"POST", "/webhooks/{id}/recover"}, new String[]{"GET", "/webhooks/logs"},
            new String[]{"GET", "/deliveries"}, new String[]{"GET", "/deliveries/{id}"}, new String[]{"POST", "/deliveries/{id}/retry"});

    private static final List<String> IDS = List.of("1", "2", "0", "-1", "abc", "99999999999999999999", "9223372036854775807",
            "1e3", "1.5", "%20", "%00", "%C3%A9", "0x10", "+1", "00001", "1%2F2", "%27%20OR%201=1%20--");

    private static final List<String> FIELDS = List.of("name", "event", "tags", "url", "enabled", "event_ids", "space_id",
            "secret", "headers", "format", "since", "id", "created_by_id");

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        eventId = hukz.api.createEvent("fuzz.base");
        webhookId = hukz.api.createWebhook("http://127.0.0.1:9/hook", eventId).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @Test
    void randomRequestsNeverCause5xxAndRefusalsChangeNothing() throws SQLException {
        Random random = new Random(SEED);
        try (Connection db = TestPostgres.connect(hukz.database())) {
            fuzz(random, db);
        }
    }

    private static void fuzz(Random random, Connection db) {
        String snapshot = Sql.snapshot(db);
        int refused = 0;
        for (int i = 0; i < REQUESTS; i++) {
            String[] route = ROUTES.get(random.nextInt(ROUTES.size()));
            String path = route[1].replace("{id}", randomId(random)).replace("{space}", pick(random, IDS)) + randomQuery(random);
            String body = route[0].equals("GET") || route[0].equals("DELETE") ? (random.nextInt(10) == 0 ? randomBody(random) : null) : randomBody(random);
            String[] headers = randomHeaders(random);
            Api.Response r = hukz.api.send(route[0], path, body, headers);
            String what = route[0] + " " + path + " headers=" + String.join("|", headers) + " body=" + abbreviate(body);
            assertThat(r.status()).as(what).isLessThan(500);
            if (r.status() >= 400) {
                refused++;
                assertErrorShape(r, what);
                String after = Sql.snapshot(db);
                assertThat(after).as("database changed by a refused request: " + what).isEqualTo(snapshot);
            } else {
                snapshot = Sql.snapshot(db);
            }
        }
        System.out.printf("api fuzz: %d requests (seed %d), %d refused%n", REQUESTS, SEED, refused);
        assertThat(refused).isGreaterThan(REQUESTS / 2);
        // the one connection the fingerprints are read on sees what the API commits (it is in no transaction of its own)
        String before = Sql.snapshot(db);
        hukz.api.createEvent("fuzz.after");
        assertThat(Sql.snapshot(db)).as("a fingerprint after a stored event").isNotEqualTo(before);
    }

    private static void assertErrorShape(Api.Response r, String what) {
        JsonNode json = r.json();
        JsonNode errors = json.get("errors");
        assertThat(errors).as(what + " → " + r.text()).isNotNull();
        assertThat(errors.isArray()).as(what).isTrue();
        JsonNode first = errors.get(0);
        assertThat(first.get("code").asInt()).as(what).isEqualTo(r.status());
        assertThat(first.get("message").isTextual()).as(what).isTrue();
        assertThat(first.get("source").isTextual()).as(what).isTrue();
    }

    private static String randomId(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> String.valueOf(eventId);
            case 1 -> String.valueOf(webhookId);
            default -> pick(random, IDS);
        };
    }

    private static String[] randomHeaders(Random random) {
        String user = switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "0";
            case 2 -> "-5";
            case 3 -> "abc";
            case 4 -> "99999999999999999999";
            case 5 -> " 1";
            default -> String.valueOf(1 + random.nextInt(3));
        };
        String contentType = random.nextInt(5) == 0 ? "text/plain" : "application/json";
        return user == null ? new String[]{"Content-Type", contentType} : new String[]{"X-User", user, "Content-Type", contentType};
    }

    private static String randomQuery(Random random) {
        if (random.nextInt(3) == 0) {
            return "";
        }
        StringBuilder q = new StringBuilder("?");
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String key = pick(random, List.of("page", "limit", "tag", "space_id", "event", "status", "webhook_id", "since", "until", "X-User"));
            String value = pick(random, List.of("1", "0", "-1", "100", "101", "abc", "a:b", "nocolon", ":", "success", "failed",
                    "pending", "2026-01-01T00:00:00Z", "yesterday", "99999999999999999999", "%", "é:ü", "' OR 1=1 --", ""));
            q.append(i == 0 ? "" : "&").append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    private static String randomBody(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "[]";
            case 3 -> "null";
            case 4 -> "\"text\"";
            case 5 -> "{\"event\":\"a\"}{\"x\":1}";
            case 6 -> "[".repeat(5000) + "]".repeat(5000);
            case 7 -> randomString(random, 50);
            default -> randomObject(random);
        };
    }

    private static String randomObject(Random random) {
        StringBuilder sb = new StringBuilder("{");
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(pick(random, FIELDS)).append("\":").append(randomValue(random, 0));
        }
        return sb.append('}').toString();
    }

    private static String randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 6 : 9)) {
            case 0 -> "null";
            case 1 -> String.valueOf(random.nextBoolean());
            case 2 -> String.valueOf(random.nextLong());
            case 3 -> "\"" + jsonEscape(randomString(random, 20)) + "\"";
            case 4 -> "\"" + pick(random, List.of("fuzz.a", "a.*", "a.>", "a..b", ">", "http://127.0.0.1:9/x", "https://93.184.216.34/",
                    "javascript:alert(1)", "whsec_AAAA", "json", "slack", "x".repeat(300), "\\u0000", "\\r\\nX: y")) + "\"";
            case 5 -> "1.5e308";
            case 6 -> "[" + randomValue(random, depth + 1) + "," + eventId + "]";
            case 7 -> "{\"" + jsonEscape(randomString(random, 5)) + "\":" + randomValue(random, depth + 1) + "}";
            default -> "[" + eventId + "]";
        };
    }

    private static String randomString(Random random, int max) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            sb.append(kind == 0 ? (char) random.nextInt(32) : kind == 1 ? (char) (0x80 + random.nextInt(0x2000))
                    : kind == 2 ? "😀" : String.valueOf((char) (32 + random.nextInt(95))));
        }
        return sb.toString();
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 32) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
