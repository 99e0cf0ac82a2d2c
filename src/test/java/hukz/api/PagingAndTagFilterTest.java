package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Lists on a database holding exactly 105 events and 25 webhooks, so every total and page is known. */
class PagingAndTagFilterTest {
    static final int EVENTS = 105;
    static final int WEBHOOKS = 25;
    static TestHukz hukz;
    static Api api;
    static final List<Long> eventIds = new ArrayList<>();
    static final List<Long> webhookIds = new ArrayList<>();

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
        for (int i = 1; i <= EVENTS; i++) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("kind", "bulk");
            tags.put("parity", i % 2 == 0 ? "even" : "odd");
            if (i % 3 == 0) {
                tags.put("three", "yes");
            }
            if (i == 7) {
                tags.put("url", "http://x:1/a b");
                tags.put("empty", "");
            }
            Api.Response r = api.post("/events", json("name", "event " + i, "event", "bulk." + i, "tags", tags));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            eventIds.add(r.id());
        }
        for (int i = 1; i <= WEBHOOKS; i++) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("team", i <= 10 ? "core" : "edge");
            tags.put("env", i % 5 == 0 ? "prod" : "dev");
            Api.Response r = api.post("/webhooks", json("url", "http://example.com/" + i, "event_ids", List.of(eventIds.get(i - 1)), "tags", tags));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            webhookIds.add(r.id());
        }
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    static JsonNode list(String path) {
        Api.Response r = api.get(path);
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
        JsonNode page = r.json();
        assertThat(page.fieldNames()).toIterable().containsExactlyInAnyOrder("total", "nodes");
        assertThat(page.get("total").isIntegralNumber()).isTrue();
        assertThat(page.get("nodes").isArray()).isTrue();
        return page;
    }

    static List<Long> ids(JsonNode page) {
        return EventApiTest.ids(page);
    }

    @Test
    void defaultPageIsTheFirstTwentyByIdAscendingWithTheFullTotal() {
        JsonNode page = list("/events");
        assertThat(page.get("total").asInt()).isEqualTo(EVENTS);
        assertThat(ids(page)).containsExactlyElementsOf(eventIds.subList(0, 20));
        assertThat(page.get("nodes").get(0).get("event").asText()).isEqualTo("bulk.1");
    }

    @Test
    void pagesFollowEachOtherFromOne() {
        assertThat(ids(list("/events?page=1"))).containsExactlyElementsOf(eventIds.subList(0, 20));
        assertThat(ids(list("/events?page=2"))).containsExactlyElementsOf(eventIds.subList(20, 40));
        JsonNode last = list("/events?page=6");
        assertThat(last.get("total").asInt()).isEqualTo(EVENTS);
        assertThat(ids(last)).containsExactlyElementsOf(eventIds.subList(100, 105));
        assertThat(ids(list("/events?page=3&limit=50"))).containsExactlyElementsOf(eventIds.subList(100, 105));
        assertThat(ids(list("/events?page=2&limit=7"))).containsExactlyElementsOf(eventIds.subList(7, 14));
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "1000", "2147483647", "99999999999", "99999999999999999999"})
    void aPageBeyondTheLastIsEmptyButKeepsTheTotal(String page) {
        JsonNode beyond = list("/events?page=" + page);
        assertThat(beyond.get("total").asInt()).isEqualTo(EVENTS);
        assertThat(beyond.get("nodes")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "-99999999999", "abc", "", "1.5"})
    void aPageThatIsNotAPositiveNumberIsTheFirst(String page) {
        assertThat(ids(list("/events?page=" + page))).containsExactlyElementsOf(eventIds.subList(0, 20));
    }

    @Test
    void limitUpToOneHundredIsHonoured() {
        assertThat(ids(list("/events?limit=1"))).containsExactly(eventIds.get(0));
        assertThat(ids(list("/events?limit=37"))).containsExactlyElementsOf(eventIds.subList(0, 37));
        JsonNode hundred = list("/events?limit=100");
        assertThat(ids(hundred)).containsExactlyElementsOf(eventIds.subList(0, 100));
        assertThat(hundred.get("total").asInt()).isEqualTo(EVENTS);
        assertThat(ids(list("/events?limit=100&page=2"))).containsExactlyElementsOf(eventIds.subList(100, 105));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "101", "1000", "99999999999", "abc", "", "10.5"})
    void anyOtherLimitIsTwenty(String limit) {
        JsonNode page = list("/events?limit=" + limit);
        assertThat(page.get("total").asInt()).isEqualTo(EVENTS);
        assertThat(ids(page)).containsExactlyElementsOf(eventIds.subList(0, 20));
        assertThat(ids(list("/events?page=2&limit=" + limit))).containsExactlyElementsOf(eventIds.subList(20, 40));
    }

    @Test
    void tagFilterKeepsEntitiesWhoseTagsContainItAndCountsThemBeforePaging() {
        JsonNode even = list("/events?tag=parity:even");
        assertThat(even.get("total").asInt()).isEqualTo(52);
        assertThat(ids(even)).containsExactlyElementsOf(LongStream.rangeClosed(1, 40).filter(i -> i % 2 == 0)
                .mapToObj(i -> eventIds.get((int) i - 1)).toList());
        JsonNode evenPage3 = list("/events?tag=parity:even&page=3");
        assertThat(evenPage3.get("total").asInt()).isEqualTo(52);
        assertThat(ids(evenPage3)).hasSize(12);
        assertThat(list("/events?tag=kind:bulk").get("total").asInt()).isEqualTo(EVENTS);
    }

    @Test
    void repeatedTagsMustAllMatch() {
        JsonNode sixes = list("/events?tag=parity:even&tag=three:yes&limit=5");
        assertThat(sixes.get("total").asInt()).isEqualTo(17);
        assertThat(ids(sixes)).containsExactly(eventIds.get(5), eventIds.get(11), eventIds.get(17), eventIds.get(23), eventIds.get(29));
        assertThat(list("/events?tag=parity:even&tag=parity:odd").get("total").asInt()).isZero();
        assertThat(list("/events?tag=three:yes&tag=kind:bulk&tag=parity:odd").get("total").asInt()).isEqualTo(18);
    }

    @Test
    void tagValueIsEverythingAfterTheFirstColonAndMatchesExactly() {
        assertThat(ids(list("/events?tag=url:http://x:1/a%20b"))).containsExactly(eventIds.get(6));
        assertThat(ids(list("/events?tag=url%3Ahttp%3A%2F%2Fx%3A1%2Fa%20b"))).containsExactly(eventIds.get(6));
        assertThat(ids(list("/events?tag=empty:"))).containsExactly(eventIds.get(6));
        assertThat(list("/events?tag=url:http://x").get("total").asInt()).as("no prefix match").isZero();
        assertThat(list("/events?tag=parity:EVEN").get("total").asInt()).as("values are case-sensitive").isZero();
        assertThat(list("/events?tag=nosuch:tag").get("total").asInt()).isZero();
        assertThat(list("/events?tag=nosuch:tag").get("nodes")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/events?tag=parity", "/events?tag=", "/events?tag=parity:even&tag=three", "/webhooks?tag=team",
            "/webhooks/space/s1?tag=team", "/webhooks/logs?tag=team", "/deliveries?tag=team"})
    void tagWithoutAColonIs400(String path) {
        assertError(api.get(path), 400, null, "tag");
    }

    @Test
    void webhooksPageAndFilterByTagsTheSameWay() {
        JsonNode first = list("/webhooks");
        assertThat(first.get("total").asInt()).isEqualTo(WEBHOOKS);
        assertThat(ids(first)).containsExactlyElementsOf(webhookIds.subList(0, 20));
        assertThat(ids(list("/webhooks?page=2"))).containsExactlyElementsOf(webhookIds.subList(20, 25));
        assertThat(ids(list("/webhooks?limit=0&page=-1"))).containsExactlyElementsOf(webhookIds.subList(0, 20));
        assertThat(ids(list("/webhooks?limit=1000"))).containsExactlyElementsOf(webhookIds.subList(0, 20));
        assertThat(ids(list("/webhooks?limit=3&page=3"))).containsExactlyElementsOf(webhookIds.subList(6, 9));
        assertThat(list("/webhooks?page=99").get("nodes")).isEmpty();

        JsonNode core = list("/webhooks?tag=team:core&limit=4");
        assertThat(core.get("total").asInt()).isEqualTo(10);
        assertThat(ids(core)).containsExactlyElementsOf(webhookIds.subList(0, 4));
        JsonNode edgeProd = list("/webhooks?tag=team:edge&tag=env:prod");
        assertThat(ids(edgeProd)).containsExactly(webhookIds.get(14), webhookIds.get(19), webhookIds.get(24));
        assertThat(edgeProd.get("total").asInt()).isEqualTo(3);
    }
}
