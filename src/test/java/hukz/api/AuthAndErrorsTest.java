package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.as;
import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.json;
import static hukz.api.ApiAssert.unchanged;
import static hukz.api.ApiAssert.unchangedAll;
import static org.assertj.core.api.Assertions.assertThat;

/** What every route under /events, /webhooks and /deliveries shares: X-User, the error body, ids, bodies. */
class AuthAndErrorsTest {
    static TestHukz hukz;
    static Api api;
    static long event;
    static long webhook;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
        event = api.createEvent("auth.test");
        webhook = api.createWebhook("http://example.com/hook", event).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    record Route(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every route that needs X-User, with a body that would be accepted. */
    static List<Route> userRoutes() {
        String eventBody = json("event", "auth.other");
        String webhookBody = json("url", "http://example.com/other", "event_ids", List.of(event));
        return List.of(
                new Route("GET", "/events", null),
                new Route("POST", "/events", eventBody),
                new Route("GET", "/events/" + event, null),
                new Route("PUT", "/events/" + event, eventBody),
                new Route("DELETE", "/events/" + event, null),
                new Route("GET", "/webhooks", null),
                new Route("GET", "/webhooks?space_id=s1", null),
                new Route("POST", "/webhooks", webhookBody),
                new Route("POST", "/webhooks/space/s1", webhookBody),
                new Route("GET", "/webhooks/space/s1", null),
                new Route("GET", "/webhooks/space/s1/check?event=auth.test", null),
                new Route("GET", "/webhooks/" + webhook, null),
                new Route("PUT", "/webhooks/" + webhook, webhookBody),
                new Route("DELETE", "/webhooks/" + webhook, null),
                new Route("GET", "/webhooks/" + webhook + "/secret", null),
                new Route("POST", "/webhooks/" + webhook + "/secret/rotate", null),
                new Route("POST", "/webhooks/" + webhook + "/test", null),
                new Route("POST", "/webhooks/" + webhook + "/recover", json("since", "2020-01-01T00:00:00Z")),
                new Route("GET", "/webhooks/logs", null),
                new Route("GET", "/deliveries", null),
                new Route("GET", "/deliveries/1", null),
                new Route("POST", "/deliveries/1/retry", null));
    }

    static Api.Response call(Route route, String... headers) {
        List<String> all = new ArrayList<>(Arrays.asList(headers));
        if (route.body() != null) {
            all.add("Content-Type");
            all.add("application/json");
        }
        return api.send(route.method(), route.path(), route.body(), all.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userRoutes")
    void missingXUserIs401WithTheErrorBodyAndChangesNothing(Route route) {
        assertError(unchanged(hukz, () -> call(route)), 401, null, "");
    }

    @ParameterizedTest(name = "X-User: \"{0}\"")
    @ValueSource(strings = {"0", "-1", "abc", "1.5", "0x10", "1 2", "", "99999999999999999999", "9223372036854775808"})
    void xUserThatIsNotAPositiveIntegerIs401OnEveryRoute(String value) {
        String before = ApiAssert.snapshot(hukz.database());
        for (Route route : userRoutes()) {
            assertError(call(route, "X-User", value), 401, null, "");
        }
        assertThat(ApiAssert.snapshot(hukz.database())).isEqualTo(before);
    }

    @Test
    void xUserInTheQueryStringDoesNotStandInForTheHeader() {
        assertError(api.send("GET", "/events?X-User=1", null), 401, null, null);
        assertError(api.send("GET", "/webhooks/logs?x-user=1", null), 401, null, null);
        assertError(unchanged(hukz, () -> api.send("POST", "/events?X-User=1", json("event", "spoofed"), "Content-Type", "application/json")),
                401, null, null);
    }

    @Test
    void eachPositiveXUserIsTheRecordedActor() {
        JsonNode e = as(api, 9_000_000_000L, "POST", "/events", json("event", "big.user")).json();
        assertThat(as(api, Long.MAX_VALUE, "GET", "/events", null).status()).isEqualTo(200);
        assertThat(e.get("created_by_id").asLong()).isEqualTo(9_000_000_000L);
        assertThat(as(api, 2, "GET", "/events/" + e.get("id").asLong(), null).status()).isEqualTo(200);
    }

    static List<String> invalidBodies() {
        return List.of("{bad", "{\"event\":", "", "   ", "[]", "[{\"event\":\"x\"}]", "\"text\"", "42", "null", "true",
                "{\"event\":\"trailing\"} {}", "{\"event\":\"trailing\"}x", "{'event':'single'}", "{event: \"unquoted\"}");
    }

    static List<Route> bodyRoutes() {
        return List.of(new Route("POST", "/events", null), new Route("PUT", "/events/" + event, null),
                new Route("POST", "/webhooks", null), new Route("POST", "/webhooks/space/s1", null),
                new Route("PUT", "/webhooks/" + webhook, null), new Route("POST", "/webhooks/" + webhook + "/recover", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodyRoutes")
    void invalidJsonIs422InvalidRequestBody(Route route) {
        unchangedAll(hukz, () -> {
            for (String body : invalidBodies()) {
                Api.Response r = api.send(route.method(), route.path(), body, "X-User", "1", "Content-Type", "application/json");
                assertThat(r.status()).as("body %s", body).isEqualTo(422);
                assertError(r, 422, "Invalid request body", "");
            }
            byte[] notUtf8 = {'{', '"', 'e', 'v', 'e', 'n', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
            assertError(api.sendBytes(route.method(), route.path(), notUtf8, "X-User", "1", "Content-Type", "application/json"),
                    422, "Invalid request body", "");
        });
    }

    /** A valid JSON object of exactly {@code size} bytes: the fields, then spaces. */
    static byte[] paddedBody(String json, int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        byte[] fields = json.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(fields, 0, body, 0, fields.length - 1);
        body[size - 1] = '}';
        return body;
    }

    @Test
    void bodyOfExactlyOneMebibyteIsAccepted() {
        Api.Response r = api.sendBytes("POST", "/events", paddedBody(json("event", "exactly.one.mib"), 1024 * 1024),
                "X-User", "1", "Content-Type", "application/json");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    @Test
    void bodyOverOneMebibyteIs413WithTheErrorBody() {
        // refused from its Content-Length, unread; a client still sending the body could not read the answer
        unchangedAll(hukz, () -> {
            for (Route route : bodyRoutes()) {
                assertError(api.sendHeadOnly(route.method(), route.path(), 1024 * 1024 + 1, "X-User", "1", "Content-Type", "application/json"),
                        413, null, "");
            }
        });
    }

    @Test
    void hugeBodyIs413WithTheErrorBody() {
        // refused from its Content-Length, before a byte of the body is read: only the head is sent
        assertError(unchanged(hukz, () -> api.sendHeadOnly("POST", "/events", 9L * 1024 * 1024, "X-User", "1",
                "Content-Type", "application/json")), 413, null, "");
    }

    static List<String> idPaths(String id) {
        return List.of("GET /events/" + id, "PUT /events/" + id, "DELETE /events/" + id,
                "GET /webhooks/" + id, "PUT /webhooks/" + id, "DELETE /webhooks/" + id, "GET /webhooks/" + id + "/secret",
                "POST /webhooks/" + id + "/secret/rotate", "POST /webhooks/" + id + "/test", "POST /webhooks/" + id + "/recover",
                "GET /deliveries/" + id, "POST /deliveries/" + id + "/retry");
    }

    static Api.Response callWithValidBody(String methodAndPath) {
        String[] parts = methodAndPath.split(" ", 2);
        String body = null;
        if (parts[1].startsWith("/events") && parts[0].equals("PUT")) {
            body = json("event", "put.target");
        } else if (parts[1].startsWith("/webhooks") && parts[0].equals("PUT")) {
            body = json("url", "http://example.com/put", "event_ids", List.of(event));
        } else if (parts[1].endsWith("/recover")) {
            body = json("since", "2020-01-01T00:00:00Z");
        }
        return as(api, 1, parts[0], parts[1], body);
    }

    @ParameterizedTest(name = "id \"{0}\"")
    @ValueSource(strings = {"abc", "1.5", "1e3", "0x1", "1a", "99999999999999999999", "9223372036854775808", "%20", "+1"})
    void nonNumericIdIs400InvalidId(String id) {
        unchangedAll(hukz, () -> {
            for (String route : idPaths(id)) {
                Api.Response r = callWithValidBody(route);
                assertThat(r.status()).as(route).isEqualTo(400);
                assertError(r, 400, "Invalid ID", null);
            }
        });
    }

    @ParameterizedTest(name = "id {0}")
    @ValueSource(strings = {"987654", "9223372036854775807", "0", "-1", "-9223372036854775808"})
    void unknownIdIs404RecordNotFound(String id) {
        unchangedAll(hukz, () -> {
            for (String route : idPaths(id)) {
                Api.Response r = callWithValidBody(route);
                assertThat(r.status()).as(route + ": " + r.text()).isEqualTo(404);
                assertError(r, 404, "Record not found", null);
            }
        });
    }

    @Test
    void deletedWebhookIs404OnEveryRouteOfIt() {
        long id = api.createWebhook("http://example.com/gone", event).get("id").asLong();
        assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(200);
        unchangedAll(hukz, () -> {
            for (String route : idPaths(String.valueOf(id))) {
                if (route.contains("/webhooks/")) {
                    assertError(callWithValidBody(route), 404, "Record not found", null);
                }
            }
        });
    }

    @Test
    void pathIdCannotBeReplacedByAQueryParameterOrHeader() {
        long a = api.createEvent("path.a");
        long b = api.createEvent("path.b");
        assertThat(api.get("/events/" + a + "?id=" + b).json().get("id").asLong()).isEqualTo(a);
        assertThat(api.send("GET", "/events/" + a, null, "X-User", "1", "id", String.valueOf(b)).json().get("id").asLong()).isEqualTo(a);
        assertError(api.get("/events/abc?id=" + b), 400, "Invalid ID", null);

        Api.Response put = api.put("/events/" + a + "?id=" + b, json("name", "renamed", "event", "path.a"));
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(api.get("/events/" + b).json().get("name").asText()).isEqualTo("path.b");
        assertThat(api.get("/events/" + a).json().get("name").asText()).isEqualTo("renamed");

        long w = api.createWebhook(json("url", "http://example.com/s", "event_ids", List.of(a), "space_id", "real")).get("id").asLong();
        JsonNode inSpace = api.get("/webhooks/space/real?space_id=other").json();
        assertThat(EventApiTest.ids(inSpace)).containsExactly(w);
    }

    @Test
    void errorBodiesNeverEchoInternalDetails() {
        Api.Response r = api.post("/events", "{\"event\": \"x\", \"tags\": {\"a\": 1}}");
        JsonNode error = assertError(r, 422, null, "tags");
        assertThat(error.get("message").asText()).doesNotContainIgnoringCase("exception").doesNotContain("jackson", "at hukz.");
    }

    @Test
    void unknownPathIs404WithTheErrorBody() {
        assertError(api.get("/nope"), 404, null, null);
        assertError(api.get("/events/1/nope"), 404, null, null);
        assertError(api.get("/webhooks/space/s1/check/more"), 404, null, null);
        assertError(api.send("GET", "/nope", null), 404, null, null);
    }

    @Test
    void unsupportedMethodIs405WithTheErrorBody() {
        assertError(unchanged(hukz, () -> api.send("PATCH", "/events/" + event, json("event", "patched"), "X-User", "1",
                "Content-Type", "application/json")), 405, null, null);
        assertError(unchanged(hukz, () -> api.send("DELETE", "/events", null, "X-User", "1")), 405, null, null);
        assertError(unchanged(hukz, () -> api.send("PUT", "/webhooks", "{}", "X-User", "1", "Content-Type", "application/json")), 405, null, null);
    }

    @Test
    void responsesDoNotEchoRequestHeaders() {
        Api.Response r = api.send("GET", "/events", null, "X-User", "1", "X-Secret-Thing", "leak-me");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Secret-Thing") || h.equalsIgnoreCase("X-User"));
        assertThat(r.headers().allValues("X-Secret-Thing")).isEmpty();
        Map<String, List<String>> headers = api.send("GET", "/events/abc", null, "X-User", "1", "X-Secret-Thing", "leak-me").headers().map();
        assertThat(headers.keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Secret-Thing"));
    }
}
