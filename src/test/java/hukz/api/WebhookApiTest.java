package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static hukz.api.ApiAssert.as;
import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.assertFieldError;
import static hukz.api.ApiAssert.assertRfc3339Utc;
import static hukz.api.ApiAssert.json;
import static hukz.api.ApiAssert.object;
import static hukz.api.ApiAssert.unchanged;
import static hukz.api.ApiAssert.unchangedAll;
import static org.assertj.core.api.Assertions.assertThat;

class WebhookApiTest {
    static final String URL = "https://example.com/hook";
    static TestHukz hukz;
    static Api api;
    static long eventA;
    static long eventB;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
        eventA = api.createEvent("invoice.paid");
        eventB = api.createEvent("invoice.*");
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    static String secretOf(int bytes) {
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    static Api.Response create(Object... pairs) {
        return api.post("/webhooks", json(pairs));
    }

    static JsonNode created(Object... pairs) {
        Api.Response r = create(pairs);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    /** A webhook's JSON carries no secret: no such field and not the value anywhere. */
    static void assertNoSecret(String responseText, String secret) {
        assertThat(responseText).doesNotContain(secret).doesNotContain(secret.substring("whsec_".length()));
        assertNoSecretField(ApiAssert.parse(responseText));
    }

    static void assertNoSecretField(JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(e.getKey().toLowerCase()).doesNotContain("secret");
                assertNoSecretField(e.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(WebhookApiTest::assertNoSecretField);
        }
    }

    @Test
    void createAnswers201WithTheWebhookAndItsEventsExpanded() {
        Api.Response r = as(api, 77, "POST", "/webhooks", json("name", "Billing", "url", URL, "event_ids", List.of(eventA, eventB),
                "tags", Map.of("team", "billing"), "headers", Map.of("X-Api-Key", "k1")));

        assertThat(r.status()).as(r.text()).isEqualTo(201);
        JsonNode w = r.json();
        long id = w.get("id").asLong();
        assertThat(id).isPositive();
        assertThat(w.get("name").asText()).isEqualTo("Billing");
        assertThat(w.get("url").asText()).isEqualTo(URL);
        assertThat(w.get("enabled").asBoolean()).as("enabled defaults to true").isTrue();
        assertThat(w.get("enabled").isBoolean()).isTrue();
        assertThat(w.get("tags")).isEqualTo(object("team", "billing"));
        // a credential-like header's value is stored but shown masked (issue 13)
        assertThat(w.get("headers")).isEqualTo(object("X-Api-Key", HeaderMask.MASK));
        assertThat(w.get("format").asText()).isEqualTo("json");
        assertThat(w.get("space_id").isNull()).isTrue();
        assertThat(w.get("created_by_id").asLong()).isEqualTo(77);
        assertThat(w.get("updated_by_id").asLong()).isEqualTo(77);
        OffsetDateTime createdAt = assertRfc3339Utc(w.get("created_at"));
        assertThat(assertRfc3339Utc(w.get("updated_at"))).isEqualTo(createdAt);
        assertThat(w.get("event_ids")).hasSize(2);
        assertThat(w.get("event_ids").get(0).asLong()).isEqualTo(eventA);
        assertThat(w.get("event_ids").get(1).asLong()).isEqualTo(eventB);
        JsonNode events = w.get("events");
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo(api.get("/events/" + eventA).json());
        assertThat(events.get(1)).isEqualTo(api.get("/events/" + eventB).json());

        assertThat(api.get("/webhooks/" + id).json()).isEqualTo(w);
        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM webhooks WHERE id = " + id + " AND created_by_id = 77 AND deleted_at IS NULL"))
                .isEqualTo(1);
        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM webhook_events WHERE webhook_id = " + id)).isEqualTo(2);
    }

    @Test
    void enabledFalseIsKept() {
        JsonNode w = created("url", URL, "event_ids", List.of(eventA), "enabled", false);
        assertThat(w.get("enabled").asBoolean()).isFalse();
        assertThat(api.get("/webhooks/" + w.get("id").asLong()).json().get("enabled").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com", "https://example.com/a/b?c=d&e=f", "http://127.0.0.1:8080/hook", "HTTPS://EXAMPLE.COM/x",
            "http://[::1]:9000/h", "https://sub.example.co.uk:8443/path#frag"})
    void acceptsAbsoluteHttpAndHttpsUrls(String url) {
        assertThat(created("url", url, "event_ids", List.of(eventA)).get("url").asText()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "example.com/hook", "/relative/path", "ftp://example.com/file", "file:///etc/passwd",
            "javascript:alert(1)", "mailto:a@example.com", "http://", "http:///path", "https://user:pass@example.com/h", "http://exa mple.com",
            "ws://example.com/socket", "//example.com/h"})
    void refusesAnythingButAnAbsoluteHttpUrl(String url) {
        unchangedAll(hukz, () -> {
            assertFieldError(create("url", url, "event_ids", List.of(eventA)), "url");
            assertFieldError(api.post("/webhooks/space/s9", json("url", url, "event_ids", List.of(eventA))), "url");
        });
    }

    @Test
    void urlIsRequiredAStringAndAtMost2048Characters() {
        String base = "https://example.com/";
        String max = base + "a".repeat(2048 - base.length());
        assertThat(created("url", max, "event_ids", List.of(eventA)).get("url").asText()).hasSize(2048);
        unchangedAll(hukz, () -> {
            assertFieldError(create("url", max + "a", "event_ids", List.of(eventA)), "url");
            assertFieldError(create("event_ids", List.of(eventA)), "url");
            assertFieldError(create("url", null, "event_ids", List.of(eventA)), "url");
            assertFieldError(create("url", 42, "event_ids", List.of(eventA)), "url");
            assertFieldError(create("url", List.of(URL), "event_ids", List.of(eventA)), "url");
        });
    }

    @Test
    void eventIdsAreRequiredNonEmptyAndMustAllExist() {
        long deleted = api.createEvent("deleted." + N.incrementAndGet());
        assertThat(api.delete("/events/" + deleted).status()).isEqualTo(200);
        List<String> bodies = List.of(
                json("url", URL),
                json("url", URL, "event_ids", null),
                json("url", URL, "event_ids", List.of()),
                json("url", URL, "event_ids", eventA),
                json("url", URL, "event_ids", String.valueOf(eventA)),
                json("url", URL, "event_ids", List.of(String.valueOf(eventA))),
                json("url", URL, "event_ids", List.of(0)),
                json("url", URL, "event_ids", List.of(-1)),
                json("url", URL, "event_ids", List.of(1.5)),
                json("url", URL, "event_ids", List.of(987654)),
                json("url", URL, "event_ids", List.of(eventA, 987654)),
                json("url", URL, "event_ids", List.of(deleted)),
                json("url", URL, "event_ids", Map.of("id", eventA)),
                "{\"url\":\"" + URL + "\",\"event_ids\":[null]}",
                "{\"url\":\"" + URL + "\",\"event_ids\":[99999999999999999999]}");
        long existing = created("url", URL, "event_ids", List.of(eventA)).get("id").asLong();
        unchangedAll(hukz, () -> {
            for (String body : bodies) {
                assertThat(api.post("/webhooks", body).status()).as(body).isEqualTo(422);
                assertFieldError(api.post("/webhooks", body), "event_ids");
                assertFieldError(api.put("/webhooks/" + existing, body), "event_ids");
            }
        });
    }

    @Test
    void repeatedEventIdsLinkTheEventOnce() {
        JsonNode w = created("url", URL, "event_ids", List.of(eventA, eventA));
        assertThat(w.get("events")).hasSize(1);
    }

    @Test
    void enabledMustBeABoolean() {
        unchangedAll(hukz, () -> {
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "enabled", "yes"), "enabled");
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "enabled", 1), "enabled");
        });
    }

    @Test
    void nameAndTagsAreBounded() {
        Map<String, String> fiftyOne = new LinkedHashMap<>();
        for (int i = 0; i <= 50; i++) {
            fiftyOne.put("k" + i, "v");
        }
        unchangedAll(hukz, () -> {
            assertFieldError(create("name", "n".repeat(256), "url", URL, "event_ids", List.of(eventA)), "name");
            assertFieldError(create("name", 5, "url", URL, "event_ids", List.of(eventA)), "name");
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "tags", fiftyOne), "tags");
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "tags", Map.of("a", 1)), "tags");
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "tags", List.of("a:b")), "tags");
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "tags", Map.of("k", "v".repeat(256))), "tags");
        });
        assertThat(created("name", "n".repeat(255), "url", URL, "event_ids", List.of(eventA)).get("name").asText()).hasSize(255);
    }

    @Test
    void secretIsGeneratedWhenAbsentAndNeverInTheWebhooksJson() {
        Api.Response r = create("url", URL, "event_ids", List.of(eventA));
        long id = r.id();
        Api.Response secret = api.get("/webhooks/" + id + "/secret");
        assertThat(secret.status()).isEqualTo(200);
        assertThat(secret.json().fieldNames()).toIterable().containsExactly("key");
        String key = secret.json().get("key").asText();
        assertThat(key).startsWith("whsec_");
        int bytes = Base64.getDecoder().decode(key.substring("whsec_".length())).length;
        assertThat(bytes).isBetween(24, 64);

        assertNoSecret(r.text(), key);
        assertNoSecret(api.get("/webhooks/" + id).text(), key);
        assertNoSecret(api.get("/webhooks?limit=100").text(), key);
        assertNoSecret(api.put("/webhooks/" + id, json("url", URL, "event_ids", List.of(eventA))).text(), key);

        long other = create("url", URL, "event_ids", List.of(eventA)).id();
        assertThat(api.secret(other)).as("each webhook gets its own secret").isNotEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 32, 64})
    void givenSecretOf24To64BytesIsKeptAndNeverShown(int bytes) {
        String secret = secretOf(bytes);
        Api.Response r = create("url", URL, "event_ids", List.of(eventA), "secret", secret);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertNoSecret(r.text(), secret);
        assertThat(api.secret(r.id())).isEqualTo(secret);
        assertNoSecret(api.get("/webhooks/space/none").text(), secret);
        assertNoSecret(api.get("/webhooks?limit=100").text(), secret);
    }

    @Test
    void invalidSecretsAre422AndNotEchoed() {
        List<Object> bad = List.of("", "secret", "whsec_", "whsec_!!!notbase64", "whsk_" + secretOf(32).substring(6), secretOf(32).substring(6),
                secretOf(23), secretOf(65), secretOf(32) + "*", 42, true);
        long existing = created("url", URL, "event_ids", List.of(eventA)).get("id").asLong();
        unchangedAll(hukz, () -> {
            for (Object secret : bad) {
                JsonNode error = assertFieldError(create("url", URL, "event_ids", List.of(eventA), "secret", secret), "secret");
                if (secret instanceof String s && s.length() > 8) {
                    assertThat(error.get("message").asText()).doesNotContain(s);
                }
                assertFieldError(api.put("/webhooks/" + existing, json("url", URL, "event_ids", List.of(eventA), "secret", secret)), "secret");
            }
        });
    }

    @Test
    void putWithoutSecretKeepsItAndPutWithSecretReplacesIt() {
        String first = secretOf(32);
        long id = create("url", URL, "event_ids", List.of(eventA), "secret", first).id();

        Api.Response kept = api.put("/webhooks/" + id, json("name", "renamed", "url", URL, "event_ids", List.of(eventA)));
        assertThat(kept.status()).isEqualTo(200);
        assertThat(api.secret(id)).isEqualTo(first);

        String second = secretOf(40);
        Api.Response replaced = api.put("/webhooks/" + id, json("url", URL, "event_ids", List.of(eventA), "secret", second));
        assertThat(replaced.status()).isEqualTo(200);
        assertNoSecret(replaced.text(), second);
        assertThat(api.secret(id)).isEqualTo(second);
    }

    @Test
    void rotateAnswersANewKeyThatTheSecretRouteThenShows() {
        long id = create("url", URL, "event_ids", List.of(eventA)).id();
        String old = api.secret(id);
        Api.Response rotated = api.post("/webhooks/" + id + "/secret/rotate", null);
        assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
        String key = rotated.json().get("key").asText();
        assertThat(key).startsWith("whsec_").isNotEqualTo(old);
        assertThat(api.secret(id)).isEqualTo(key);
        assertNoSecret(api.get("/webhooks/" + id).text(), old);
        assertNoSecret(api.get("/webhooks/" + id).text(), key);
    }

    @Test
    void putReplacesEveryFieldAndRecordsTheUpdater() {
        long id = as(api, 10, "POST", "/webhooks", json("name", "before", "url", URL, "event_ids", List.of(eventA),
                "tags", Map.of("a", "1"), "headers", Map.of("X-One", "1"), "format", "slack")).id();
        JsonNode before = api.get("/webhooks/" + id).json();

        Api.Response r = as(api, 11, "PUT", "/webhooks/" + id, json("name", "after", "url", "http://example.org/new",
                "event_ids", List.of(eventB), "enabled", false, "tags", Map.of("b", "2"), "headers", Map.of("X-Two", "2")));

        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode w = r.json();
        assertThat(w.get("id").asLong()).isEqualTo(id);
        assertThat(w.get("name").asText()).isEqualTo("after");
        assertThat(w.get("url").asText()).isEqualTo("http://example.org/new");
        assertThat(w.get("enabled").asBoolean()).isFalse();
        assertThat(w.get("tags")).isEqualTo(object("b", "2"));
        assertThat(w.get("headers")).isEqualTo(object("X-Two", "2"));
        assertThat(w.get("format").asText()).as("a replace without format takes the URL's default").isEqualTo("json");
        assertThat(w.get("event_ids")).hasSize(1);
        assertThat(w.get("event_ids").get(0).asLong()).isEqualTo(eventB);
        assertThat(w.get("events")).hasSize(1);
        assertThat(w.get("events").get(0).get("event").asText()).isEqualTo("invoice.*");
        assertThat(w.get("created_by_id").asLong()).isEqualTo(10);
        assertThat(w.get("updated_by_id").asLong()).isEqualTo(11);
        assertThat(w.get("created_at")).isEqualTo(before.get("created_at"));
        assertThat(assertRfc3339Utc(w.get("updated_at"))).isAfter(assertRfc3339Utc(before.get("updated_at")));
        assertThat(api.get("/webhooks/" + id).json()).isEqualTo(w);
        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM webhook_events WHERE webhook_id = " + id)).isEqualTo(1);

        JsonNode again = api.put("/webhooks/" + id, json("url", URL, "event_ids", List.of(eventA))).json();
        assertThat(again.get("enabled").asBoolean()).as("enabled defaults to true on replace too").isTrue();
        assertThat(again.get("tags")).isEqualTo(object());
        assertThat(again.get("headers")).isEqualTo(object());
    }

    @Test
    void extraHeadersAreKeptUpToTwenty() {
        Map<String, String> twenty = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            twenty.put("X-Custom-" + i, "value " + i + "\t!~");
        }
        JsonNode w = created("url", URL, "event_ids", List.of(eventA), "headers", twenty);
        assertThat(w.get("headers")).hasSize(20);
        assertThat(w.get("headers").get("X-Custom-3").asText()).isEqualTo("value 3\t!~");
        assertThat(created("url", URL, "event_ids", List.of(eventA), "headers", Map.of("Authorization", "Bearer abc")).get("headers"))
                .isEqualTo(object("Authorization", HeaderMask.MASK));

        Map<String, String> twentyOne = new LinkedHashMap<>(twenty);
        twentyOne.put("X-Custom-20", "v");
        unchangedAll(hukz, () -> assertFieldError(create("url", URL, "event_ids", List.of(eventA), "headers", twentyOne), "headers"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "Webhook-Signature", "WEBHOOK-TIMESTAMP", "webhook-anything", "Content-Type", "content-type",
            "Host", "Content-Length", "bad header", "x:colon", "", "X-Ünicode", "X(paren)", "X-Tab\t",
            // hop-by-hop headers, the client's own user-agent, and Camel's message headers (which would steer the HTTP call)
            "Connection", "keep-alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
            "Proxy-Connection", "User-Agent", "user-agent", "CamelHttpUri", "camelHttpMethod", "CAMELHTTPPATH"})
    void refusesReservedAndIllegalHeaderNames(String name) {
        unchangedAll(hukz, () -> {
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "headers", Map.of(name, "v")), "headers");
            assertFieldError(api.post("/webhooks/space/h1", json("url", URL, "event_ids", List.of(eventA), "headers", Map.of(name, "v"))), "headers");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b", "\u0007bell", "a\u007fb"})
    void refusesHeaderValuesThatAreNotLegalHttp(String value) {
        unchangedAll(hukz, () -> assertFieldError(create("url", URL, "event_ids", List.of(eventA), "headers", Map.of("X-Ok", value)), "headers"));
    }

    @Test
    void headersMustBeAnObjectOfStrings() {
        unchangedAll(hukz, () -> {
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "headers", List.of("X-A: b")), "headers");
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "headers", Map.of("X-A", 1)), "headers");
            assertFieldError(create("url", URL, "event_ids", List.of(eventA), "headers", "X-A: b"), "headers");
        });
    }

    @Test
    void formatDefaultsToJsonAndTakesSlackOrGoogleChat() {
        assertThat(created("url", URL, "event_ids", List.of(eventA)).get("format").asText()).isEqualTo("json");
        assertThat(created("url", URL, "event_ids", List.of(eventA), "format", "slack").get("format").asText()).isEqualTo("slack");
        assertThat(created("url", URL, "event_ids", List.of(eventA), "format", "google_chat").get("format").asText()).isEqualTo("google_chat");
        assertThat(created("url", URL, "event_ids", List.of(eventA), "format", "json").get("format").asText()).isEqualTo("json");
        unchangedAll(hukz, () -> {
            for (Object format : List.of("xml", "JSON", "Slack", "", "google-chat", 1)) {
                assertFieldError(create("url", URL, "event_ids", List.of(eventA), "format", format), "format");
            }
        });
    }

    @Test
    void slackAndGoogleChatUrlsDefaultToTheirFormats() {
        assertThat(created("url", "https://hooks.slack.com/services/T000/B000/XXXX", "event_ids", List.of(eventA)).get("format").asText())
                .isEqualTo("slack");
        assertThat(created("url", "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t", "event_ids", List.of(eventA))
                .get("format").asText()).isEqualTo("google_chat");
        assertThat(created("url", "https://hooks.slack.com/services/T/B/X", "event_ids", List.of(eventA), "format", "json").get("format").asText())
                .as("an explicit format wins").isEqualTo("json");
        assertThat(created("url", "https://nothooks.slack.com.example.com/x", "event_ids", List.of(eventA)).get("format").asText())
                .isEqualTo("json");
    }

    @Test
    void webhooksInASpaceAreCreatedListedAndFilteredBySpace() {
        String space = "space" + N.incrementAndGet();
        Api.Response inSpace = as(api, 3, "POST", "/webhooks/space/" + space, json("name", "in space", "url", URL, "event_ids", List.of(eventA)));
        assertThat(inSpace.status()).as(inSpace.text()).isEqualTo(201);
        assertThat(inSpace.json().get("space_id").isTextual()).as("an id string stays a string").isTrue();
        assertThat(inSpace.json().get("space_id").asText()).isEqualTo(space);
        assertThat(inSpace.json().get("events")).hasSize(1);
        assertThat(inSpace.json().get("created_by_id").asLong()).isEqualTo(3);
        long second = api.post("/webhooks/space/" + space, json("url", URL, "event_ids", List.of(eventB), "space_id", "ignored")).id();
        assertThat(api.get("/webhooks/" + second).json().get("space_id").asText()).as("the path's space wins").isEqualTo(space);
        long viaBody = created("url", URL, "event_ids", List.of(eventA), "space_id", space).get("id").asLong();
        long elsewhere = api.post("/webhooks/space/other" + space, json("url", URL, "event_ids", List.of(eventA))).id();
        long deleted = api.post("/webhooks/space/" + space, json("url", URL, "event_ids", List.of(eventA))).id();
        assertThat(api.delete("/webhooks/" + deleted).status()).isEqualTo(200);

        JsonNode byPath = api.get("/webhooks/space/" + space).json();
        assertThat(byPath.get("total").asInt()).isEqualTo(3);
        assertThat(EventApiTest.ids(byPath)).containsExactly(inSpace.id(), second, viaBody);
        JsonNode byQuery = api.get("/webhooks?space_id=" + space).json();
        assertThat(byQuery).isEqualTo(byPath);
        assertThat(EventApiTest.ids(api.get("/webhooks/space/other" + space).json())).containsExactly(elsewhere);
        assertThat(api.get("/webhooks/space/nobody-here").json().get("total").asInt()).isZero();

        long numeric = api.post("/webhooks/space/4242", json("url", URL, "event_ids", List.of(eventA))).id();
        JsonNode n = api.get("/webhooks/" + numeric).json();
        // answered as the number 4242, not the string "4242" (asText() would not tell them apart)
        assertThat(n.get("space_id").isIntegralNumber()).as(n.toString()).isTrue();
        assertThat(n.get("space_id").asLong()).isEqualTo(4242);
        assertThat(EventApiTest.ids(api.get("/webhooks?space_id=4242").json())).containsExactly(numeric);
    }

    @Test
    void spaceIdInTheBodyMustBeAPositiveIntegerOrAnIdString() {
        JsonNode number = created("url", URL, "event_ids", List.of(eventA), "space_id", 12).get("space_id");
        assertThat(number.isIntegralNumber()).as("answered as a number: " + number).isTrue();
        assertThat(number.asLong()).isEqualTo(12);
        JsonNode numericString = created("url", URL, "event_ids", List.of(eventA), "space_id", "77").get("space_id");
        assertThat(numericString.isIntegralNumber()).as("a numeric string is answered as a number too: " + numericString).isTrue();
        assertThat(numericString.asLong()).isEqualTo(77);
        JsonNode text = created("url", URL, "event_ids", List.of(eventA), "space_id", "team-a_1").get("space_id");
        assertThat(text.isTextual()).as(text.toString()).isTrue();
        assertThat(text.asText()).isEqualTo("team-a_1");
        unchangedAll(hukz, () -> {
            for (Object space : List.of("bad space", "a/b", "", -1, 0, 1.5, true, List.of(1), Map.of("id", 1), "s".repeat(256))) {
                assertFieldError(create("url", URL, "event_ids", List.of(eventA), "space_id", space), "space_id");
            }
        });
    }

    @Test
    void invalidSpaceInThePathOrQueryIs400() {
        unchangedAll(hukz, () -> {
            assertError(api.get("/webhooks/space/bad%20space"), 400, null, null);
            assertError(api.get("/webhooks/space/bad%20space/check?event=invoice.paid"), 400, null, null);
            assertError(api.post("/webhooks/space/bad%20space", json("url", URL, "event_ids", List.of(eventA))), 400, null, null);
            assertError(api.get("/webhooks?space_id=bad%20space"), 400, null, "space_id");
        });
    }

    @Test
    void anEmptySpaceIdQueryIsNoFilter() {
        JsonNode all = api.get("/webhooks?limit=100").json();
        assertThat(api.get("/webhooks?limit=100&space_id=").json()).isEqualTo(all);
    }

    @Test
    void putKeepsTheSpaceWhenTheBodyHasNone() {
        String space = "keep" + N.incrementAndGet();
        long id = api.post("/webhooks/space/" + space, json("url", URL, "event_ids", List.of(eventA))).id();
        JsonNode w = api.put("/webhooks/" + id, json("url", URL, "event_ids", List.of(eventA))).json();
        assertThat(w.get("space_id").asText()).isEqualTo(space);
    }

    @Test
    void checkIsTrueOnlyForAnEnabledWebhookOfThatSpaceWithThatEvent() {
        String space = "check" + N.incrementAndGet();
        String subject = "check.event." + N.incrementAndGet();
        long event = api.createEvent(subject);
        long otherEvent = api.createEvent(subject + ".other");
        String check = "/webhooks/space/" + space + "/check?event=" + subject;

        assertThat(checkResult(check)).as("no webhook yet").isFalse();
        long disabled = api.post("/webhooks/space/" + space, json("url", URL, "event_ids", List.of(event), "enabled", false)).id();
        assertThat(checkResult(check)).as("only a disabled webhook").isFalse();
        api.post("/webhooks/space/other" + space, json("url", URL, "event_ids", List.of(event)));
        assertThat(checkResult(check)).as("an enabled webhook of another space").isFalse();
        api.post("/webhooks/space/" + space, json("url", URL, "event_ids", List.of(otherEvent)));
        assertThat(checkResult(check)).as("an enabled webhook of the space with another event").isFalse();

        long enabled = api.post("/webhooks/space/" + space, json("url", URL, "event_ids", List.of(otherEvent, event))).id();
        Api.Response yes = api.get(check);
        assertThat(yes.status()).isEqualTo(200);
        assertThat(yes.json()).isEqualTo(object("event_enabled", true));
        assertThat(checkResult("/webhooks/space/" + space + "/check?event=" + subject + ".other")).isTrue();
        assertThat(checkResult("/webhooks/space/" + space + "/check?event=nope." + subject)).isFalse();
        assertThat(checkResult("/webhooks/space/" + space + "/check")).as("no event asked").isFalse();

        assertThat(api.put("/webhooks/" + enabled, json("url", URL, "event_ids", List.of(event), "enabled", false)).status()).isEqualTo(200);
        assertThat(checkResult(check)).as("after disabling it").isFalse();
        assertThat(api.put("/webhooks/" + disabled, json("url", URL, "event_ids", List.of(event), "enabled", true)).status()).isEqualTo(200);
        assertThat(checkResult(check)).as("after enabling the other").isTrue();
        assertThat(api.delete("/webhooks/" + disabled).status()).isEqualTo(200);
        assertThat(checkResult(check)).as("after deleting it").isFalse();
    }

    static boolean checkResult(String path) {
        Api.Response r = api.get(path);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().fieldNames()).toIterable().containsExactly("event_enabled");
        assertThat(r.json().get("event_enabled").isBoolean()).isTrue();
        return r.json().get("event_enabled").asBoolean();
    }

    @Test
    void deletedWebhookVanishesFromEveryRead() {
        String space = "gone" + N.incrementAndGet();
        String subject = "gone.event." + N.incrementAndGet();
        long event = api.createEvent(subject);
        long id = as(api, 21, "POST", "/webhooks/space/" + space, json("url", URL, "event_ids", List.of(event), "tags", Map.of("gone", space))).id();
        assertThat(checkResult("/webhooks/space/" + space + "/check?event=" + subject)).isTrue();

        Api.Response deleted = as(api, 22, "DELETE", "/webhooks/" + id, null);
        assertThat(deleted.status()).isEqualTo(200);

        assertError(api.get("/webhooks/" + id), 404, "Record not found", null);
        assertError(api.get("/webhooks/" + id + "/secret"), 404, "Record not found", null);
        assertError(unchanged(hukz, () -> api.put("/webhooks/" + id, json("url", URL, "event_ids", List.of(event)))), 404, "Record not found", null);
        assertError(unchanged(hukz, () -> api.delete("/webhooks/" + id)), 404, "Record not found", null);
        assertThat(api.get("/webhooks?tag=gone:" + space).json().get("total").asInt()).isZero();
        assertThat(api.get("/webhooks/space/" + space).json().get("total").asInt()).isZero();
        assertThat(api.get("/webhooks?space_id=" + space).json().get("nodes")).isEmpty();
        assertThat(checkResult("/webhooks/space/" + space + "/check?event=" + subject)).isFalse();
        List<Long> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode p = api.get("/webhooks?limit=100&page=" + page).json();
            all.addAll(EventApiTest.ids(p));
            if (p.get("nodes").size() < 100) {
                break;
            }
        }
        assertThat(all).doesNotContain(id);

        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM webhooks WHERE id = " + id + " AND deleted_at IS NOT NULL AND updated_by_id = 22"))
                .as("the row stays, soft-deleted").isEqualTo(1);
        assertThat(api.delete("/events/" + event).status()).as("its event is free to go").isEqualTo(200);
    }

    @Test
    void eventsAreExpandedAsTheirOwnJson() {
        long event = api.createEvent("expand." + N.incrementAndGet());
        JsonNode w = created("url", URL, "event_ids", List.of(eventA, event));
        assertThat(w.get("events")).hasSize(2);
        assertThat(w.get("events").get(1).get("id").asLong()).isEqualTo(event);
        assertThat(w.get("events").get(1).get("created_at")).isEqualTo(api.get("/events/" + event).json().get("created_at"));
    }
}
