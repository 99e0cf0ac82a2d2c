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

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static hukz.api.ApiAssert.as;
import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.assertFieldError;
import static hukz.api.ApiAssert.assertRfc3339Utc;
import static hukz.api.ApiAssert.json;
import static hukz.api.ApiAssert.unchanged;
import static org.assertj.core.api.Assertions.assertThat;

class EventApiTest {
    static TestHukz hukz;
    static Api api;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    static String unique(String prefix) {
        return prefix + "." + N.incrementAndGet();
    }

    static long create(String subject) {
        return api.createEvent(subject);
    }

    @Test
    void createAnswers201WithTheEventAndStoresIt() {
        String subject = unique("post.created");
        Api.Response r = as(api, 42, "POST", "/events", json("name", "Post created", "event", subject, "tags", Map.of("team", "blog")));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode e = r.json();
        assertThat(e.get("id").isIntegralNumber()).isTrue();
        assertThat(e.get("id").asLong()).isPositive();
        assertThat(e.get("name").asText()).isEqualTo("Post created");
        assertThat(e.get("event").asText()).isEqualTo(subject);
        assertThat(e.get("tags")).isEqualTo(ApiAssert.object("team", "blog"));
        assertThat(e.get("created_by_id").asLong()).isEqualTo(42);
        assertThat(e.get("updated_by_id").asLong()).isEqualTo(42);
        OffsetDateTime created = assertRfc3339Utc(e.get("created_at"));
        assertThat(assertRfc3339Utc(e.get("updated_at"))).isEqualTo(created);
        assertThat(created).isBetween(OffsetDateTime.now().minusMinutes(1), OffsetDateTime.now().plusMinutes(1));

        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM events WHERE id = " + e.get("id").asLong()
                + " AND event = '" + subject + "' AND created_by_id = 42 AND deleted_at IS NULL")).isEqualTo(1);
        assertThat(api.get("/events/" + e.get("id").asLong()).json()).isEqualTo(e);
    }

    @Test
    void tagsAndNameDefaultWhenAbsent() {
        String subject = unique("bare");
        JsonNode e = api.post("/events", json("event", subject)).json();
        assertThat(e.get("tags")).isEqualTo(ApiAssert.object());
        assertThat(e.get("name").isTextual()).isTrue();

        JsonNode nullTags = api.post("/events", json("event", unique("nulltags"), "tags", null)).json();
        assertThat(nullTags.get("tags")).isEqualTo(ApiAssert.object());
    }

    @Test
    void updateReplacesNameEventAndTagsAndRecordsTheUpdater() {
        long id = as(api, 5, "POST", "/events", json("name", "old", "event", unique("old"), "tags", Map.of("a", "1", "b", "2"))).id();
        JsonNode before = api.get("/events/" + id).json();
        String subject = unique("new");

        Api.Response r = as(api, 9, "PUT", "/events/" + id, json("name", "new", "event", subject, "tags", Map.of("c", "3")));

        assertThat(r.status()).isEqualTo(200);
        JsonNode e = r.json();
        assertThat(e.get("id").asLong()).isEqualTo(id);
        assertThat(e.get("name").asText()).isEqualTo("new");
        assertThat(e.get("event").asText()).isEqualTo(subject);
        assertThat(e.get("tags")).isEqualTo(ApiAssert.object("c", "3"));
        assertThat(e.get("created_by_id").asLong()).isEqualTo(5);
        assertThat(e.get("updated_by_id").asLong()).isEqualTo(9);
        assertThat(e.get("created_at")).isEqualTo(before.get("created_at"));
        assertThat(assertRfc3339Utc(e.get("updated_at"))).isAfter(assertRfc3339Utc(before.get("updated_at")));
        assertThat(api.get("/events/" + id).json()).isEqualTo(e);

        JsonNode noTags = api.put("/events/" + id, json("name", "new", "event", subject)).json();
        assertThat(noTags.get("tags")).as("a replace without tags clears them").isEqualTo(ApiAssert.object());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "post.created", "post.*", "post.>", "*", ">", "*.created", "*.*.>", "user-signed_up.v2",
            "UPPER.Case", "$custom.subject", "tenant.42.*.done"})
    void acceptsNatsSubjectsAndWildcards(String subject) {
        // the same token in front keeps subjects unique across parameters
        String event = subject.equals("*") || subject.equals(">") ? subject : "s" + N.incrementAndGet() + "." + subject;
        Api.Response r = api.post("/events", json("event", event));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("event").asText()).isEqualTo(event);
        assertThat(api.delete("/events/" + r.id()).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b", ".a", "a.", ".", "..", "a.>.b", ">.a", "a*", "a.b*", "*a", "a>", "a.>>", "**", "a b", " a", "a ",
            "a\tb", "a\nb", "a.b.\u0000", "", "   "})
    void refusesInvalidSubjectsNamingTheField(String subject) {
        Api.Response r = unchanged(hukz, () -> api.post("/events", json("name", "bad", "event", subject)));
        assertFieldError(r, "event");
    }

    @Test
    void eventIsRequiredAndMustBeAString() {
        for (String body : List.of(json("name", "x"), json("name", "x", "event", null), json("event", 42), json("event", true),
                json("event", List.of("a")), json("event", Map.of("a", "b")))) {
            assertFieldError(unchanged(hukz, () -> api.post("/events", body)), "event");
        }
    }

    @Test
    void eventIsAtMost255Characters() {
        String prefix = "long" + N.incrementAndGet() + ".";
        String max = prefix + "x".repeat(255 - prefix.length());
        Api.Response ok = api.post("/events", json("event", max));
        assertThat(ok.status()).as(ok.text()).isEqualTo(201);
        assertThat(ok.json().get("event").asText()).hasSize(255);

        String tooLong = prefix + "y".repeat(256 - prefix.length());
        assertFieldError(unchanged(hukz, () -> api.post("/events", json("event", tooLong))), "event");
        assertFieldError(unchanged(hukz, () -> api.put("/events/" + ok.id(), json("event", tooLong))), "event");
    }

    @Test
    void nameIsAtMost255CharactersAndAString() {
        Api.Response ok = api.post("/events", json("name", "n".repeat(255), "event", unique("named")));
        assertThat(ok.status()).isEqualTo(201);
        assertFieldError(unchanged(hukz, () -> api.post("/events", json("name", "n".repeat(256), "event", unique("named")))), "name");
        assertFieldError(unchanged(hukz, () -> api.post("/events", json("name", 7, "event", unique("named")))), "name");
        assertFieldError(unchanged(hukz, () -> api.put("/events/" + ok.id(), json("name", "n".repeat(256), "event", unique("named")))), "name");
    }

    @Test
    void tagsMustBeAnObjectOfStringsWithinBounds() {
        Map<String, String> fifty = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            fifty.put("k" + i, "v" + i);
        }
        Api.Response ok = api.post("/events", json("event", unique("tagged"), "tags", fifty));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().get("tags")).hasSize(50);
        Map<String, String> fiftyOne = new LinkedHashMap<>(fifty);
        fiftyOne.put("k50", "v50");

        List<String> bad = new ArrayList<>(List.of(
                json("event", unique("t"), "tags", List.of("a:b")),
                json("event", unique("t"), "tags", "a:b"),
                json("event", unique("t"), "tags", Map.of("a", 1)),
                json("event", unique("t"), "tags", Map.of("a", Map.of("b", "c"))),
                json("event", unique("t"), "tags", Map.of("a", List.of("b"))),
                json("event", unique("t"), "tags", fiftyOne),
                json("event", unique("t"), "tags", Map.of("k".repeat(256), "v")),
                json("event", unique("t"), "tags", Map.of("k", "v".repeat(256)))));
        bad.add("{\"event\":\"" + unique("t") + "\",\"tags\":{\"a\":null}}");
        for (String body : bad) {
            assertFieldError(unchanged(hukz, () -> api.post("/events", body)), "tags");
            assertFieldError(unchanged(hukz, () -> api.put("/events/" + ok.id(), body)), "tags");
        }
        Api.Response max = api.post("/events", json("event", unique("t"), "tags", Map.of("k".repeat(255), "v".repeat(255))));
        assertThat(max.status()).isEqualTo(201);
    }

    @Test
    void aSecondEventWithTheSameSubjectInAnyCaseIs422() {
        String subject = unique("order.placed");
        create(subject);
        for (String same : List.of(subject, subject.toUpperCase(), "Order.Placed" + subject.substring("order.placed".length()))) {
            assertFieldError(unchanged(hukz, () -> api.post("/events", json("name", "again", "event", same))), "event");
        }
        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM events WHERE lower(event) = lower('" + subject + "')")).isEqualTo(1);
    }

    @Test
    void concurrentCreatesOfOneSubjectMakeOneEventAndNameTheFieldInEveryRefusal() throws Exception {
        String subject = unique("race");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Api.Response>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String name = "caller " + i;
                String event = i % 2 == 0 ? subject : subject.toUpperCase();
                calls.add(pool.submit(() -> {
                    go.await();
                    return api.post("/events", json("name", name, "event", event));
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<Api.Response> call : calls) {
                Api.Response r = call.get(30, TimeUnit.SECONDS);
                if (r.status() == 201) {
                    created++;
                } else {
                    assertFieldError(r, "event");
                }
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM events WHERE lower(event) = lower('" + subject + "')")).isEqualTo(1);
    }

    @Test
    void updateToAnotherEventsSubjectInAnyCaseIs422ButKeepingItsOwnIsFine() {
        String taken = unique("taken");
        create(taken);
        String mine = unique("mine");
        long id = create(mine);

        assertFieldError(unchanged(hukz, () -> api.put("/events/" + id, json("event", taken))), "event");
        assertFieldError(unchanged(hukz, () -> api.put("/events/" + id, json("event", taken.toUpperCase()))), "event");

        Api.Response same = api.put("/events/" + id, json("name", "renamed", "event", mine));
        assertThat(same.status()).as(same.text()).isEqualTo(200);
        Api.Response recased = api.put("/events/" + id, json("name", "renamed", "event", mine.toUpperCase()));
        assertThat(recased.status()).as("changing only the case of its own subject").isEqualTo(200);
        assertThat(recased.json().get("event").asText()).isEqualTo(mine.toUpperCase());
    }

    @Test
    void aDeletedEventsSubjectCanBeUsedAgain() {
        String subject = unique("reused");
        long first = create(subject);
        assertThat(api.delete("/events/" + first).status()).isEqualTo(200);
        Api.Response again = api.post("/events", json("event", subject));
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.id()).isNotEqualTo(first);
    }

    @Test
    void deletedEventVanishesFromEveryRead() {
        String subject = unique("doomed");
        long id = as(api, 3, "POST", "/events", json("event", subject, "tags", Map.of("doomed", "yes"))).id();
        assertThat(api.get("/events?tag=doomed:yes").json().get("total").asInt()).isEqualTo(1);

        Api.Response deleted = as(api, 4, "DELETE", "/events/" + id, null);
        assertThat(deleted.status()).isEqualTo(200);

        assertError(api.get("/events/" + id), 404, "Record not found", null);
        assertError(unchanged(hukz, () -> api.put("/events/" + id, json("event", unique("zombie")))), 404, "Record not found", null);
        assertError(unchanged(hukz, () -> api.delete("/events/" + id)), 404, "Record not found", null);
        JsonNode list = api.get("/events?tag=doomed:yes").json();
        assertThat(list.get("total").asInt()).isZero();
        assertThat(list.get("nodes")).isEmpty();
        assertThat(ids(api.get("/events?limit=100").json())).doesNotContain(id);
        assertFieldError(unchanged(hukz, () -> api.post("/webhooks", json("url", "http://example.com/h", "event_ids", List.of(id)))), "event_ids");

        assertThat(Sql.count(hukz.database(), "SELECT count(*) FROM events WHERE id = " + id
                + " AND deleted_at IS NOT NULL AND deleted_at <= now()")).as("the row stays, soft-deleted").isEqualTo(1);
        assertThat(Sql.query(hukz.database(), "SELECT updated_by_id FROM events WHERE id = " + id)).isEqualTo("4");
    }

    @Test
    void deleteIs422WhileAWebhookUsesTheEventAnd200AfterTheWebhookIsDeleted() {
        long id = create(unique("used"));
        long webhook = api.createWebhook("http://example.com/hook", id).get("id").asLong();

        Api.Response refused = unchanged(hukz, () -> api.delete("/events/" + id));
        assertError(refused, 422, null, null);
        assertThat(api.get("/events/" + id).status()).isEqualTo(200);

        assertThat(api.delete("/webhooks/" + webhook).status()).isEqualTo(200);
        assertThat(api.delete("/events/" + id).status()).isEqualTo(200);
        assertThat(api.get("/events/" + id).status()).isEqualTo(404);
    }

    @Test
    void deleteIsAllowedOnceTheWebhookNoLongerListsTheEvent() {
        long used = create(unique("was.used"));
        long other = create(unique("other"));
        long webhook = api.createWebhook("http://example.com/hook", used, other).get("id").asLong();
        assertError(unchanged(hukz, () -> api.delete("/events/" + used)), 422, null, null);

        Api.Response moved = api.put("/webhooks/" + webhook, json("url", "http://example.com/hook", "event_ids", List.of(other)));
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);

        assertThat(api.delete("/events/" + used).status()).isEqualTo(200);
        assertError(unchanged(hukz, () -> api.delete("/events/" + other)), 422, null, null);
    }

    @Test
    void listIsOrderedByIdAscending() {
        String tag = "order" + N.incrementAndGet();
        List<Long> created = new ArrayList<>();
        for (String s : List.of("zeta", "alpha", "mid")) {
            created.add(api.post("/events", json("event", unique(s), "tags", Map.of("run", tag))).id());
        }
        JsonNode list = api.get("/events?tag=run:" + tag).json();
        assertThat(list.get("total").asInt()).isEqualTo(3);
        assertThat(ids(list)).containsExactlyElementsOf(created);
        assertThat(created).isSorted();
    }

    static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("nodes").forEach(n -> ids.add(n.get("id").asLong()));
        return ids;
    }
}
