package hukz.api;

import hukz.support.Api;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.json;
import static hukz.api.ApiAssert.object;
import static hukz.api.ApiAssert.unchangedAll;
import static org.assertj.core.api.Assertions.assertThat;

/** With api_token set, the API needs "Authorization: Bearer <token>"; ping and health stay open. */
class ApiTokenTest {
    static final String TOKEN = "t0ken-for-tests-7f3a";
    static TestHukz hukz;
    static Api api;
    static long event;
    static long webhook;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("api_token", TOKEN));
        api = hukz.api;
        event = api.send("POST", "/events", json("event", "token.event"), "X-User", "1", "Authorization", "Bearer " + TOKEN,
                "Content-Type", "application/json").id();
        webhook = api.send("POST", "/webhooks", json("url", "http://example.com/t", "event_ids", List.of(event)), "X-User", "1",
                "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json").id();
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    static List<String[]> routes() {
        return List.of(
                new String[]{"GET", "/events", null},
                new String[]{"POST", "/events", json("event", "token.other")},
                new String[]{"GET", "/events/" + event, null},
                new String[]{"PUT", "/events/" + event, json("event", "token.renamed")},
                new String[]{"DELETE", "/events/" + event, null},
                new String[]{"GET", "/webhooks", null},
                new String[]{"POST", "/webhooks", json("url", "http://example.com/x", "event_ids", List.of(event))},
                new String[]{"POST", "/webhooks/space/s", json("url", "http://example.com/x", "event_ids", List.of(event))},
                new String[]{"GET", "/webhooks/space/s", null},
                new String[]{"GET", "/webhooks/space/s/check?event=token.event", null},
                new String[]{"GET", "/webhooks/" + webhook, null},
                new String[]{"PUT", "/webhooks/" + webhook, json("url", "http://example.com/x", "event_ids", List.of(event))},
                new String[]{"DELETE", "/webhooks/" + webhook, null},
                new String[]{"GET", "/webhooks/" + webhook + "/secret", null},
                new String[]{"POST", "/webhooks/" + webhook + "/secret/rotate", null},
                new String[]{"POST", "/webhooks/" + webhook + "/test", null},
                new String[]{"POST", "/webhooks/" + webhook + "/recover", json("since", "2020-01-01T00:00:00Z")},
                new String[]{"GET", "/webhooks/logs", null},
                new String[]{"GET", "/deliveries", null},
                new String[]{"GET", "/deliveries/1", null},
                new String[]{"POST", "/deliveries/1/retry", null});
    }

    static Api.Response call(String[] route, String... auth) {
        String[] headers = new String[4 + auth.length];
        headers[0] = "X-User";
        headers[1] = "1";
        headers[2] = "Content-Type";
        headers[3] = "application/json";
        System.arraycopy(auth, 0, headers, 4, auth.length);
        return api.send(route[0], route[1], route[2], headers);
    }

    @Test
    void everyApiRouteWithoutTheTokenIs401AndChangesNothing() {
        List<String[]> wrong = List.of(new String[]{}, new String[]{"Authorization", "Bearer wrong"},
                new String[]{"Authorization", "Bearer " + TOKEN + "x"}, new String[]{"Authorization", "Bearer " + TOKEN.substring(1)},
                new String[]{"Authorization", TOKEN}, new String[]{"Authorization", "Basic " + TOKEN},
                new String[]{"Authorization", "Bearer"}, new String[]{"Authorization", ""}, new String[]{"X-Api-Token", TOKEN});
        unchangedAll(hukz, () -> {
            for (String[] route : routes()) {
                for (String[] auth : wrong) {
                    Api.Response r = call(route, auth);
                    assertThat(r.status()).as(route[0] + " " + route[1] + " with " + String.join(": ", auth)).isEqualTo(401);
                    assertError(r, 401, null, "");
                    assertThat(r.text()).doesNotContain(TOKEN);
                }
            }
        });
    }

    @Test
    void tokenInTheQueryStringDoesNotCount() {
        assertError(api.send("GET", "/events?api_token=" + TOKEN, null, "X-User", "1"), 401, null, null);
        assertError(api.send("GET", "/events?Authorization=Bearer%20" + TOKEN, null, "X-User", "1"), 401, null, null);
    }

    @Test
    void theTokenOpensTheApiButXUserIsStillRequired() {
        assertThat(api.send("GET", "/events", null, "X-User", "1", "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(api.send("GET", "/events", null, "X-User", "1", "Authorization", "bearer " + TOKEN).status())
                .as("the auth scheme is case-insensitive").isEqualTo(200);
        assertThat(api.send("GET", "/webhooks/logs", null, "X-User", "1", "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
        assertError(api.send("GET", "/events", null, "Authorization", "Bearer " + TOKEN), 401, null, "");
        assertError(api.send("GET", "/events", null, "X-User", "0", "Authorization", "Bearer " + TOKEN), 401, null, "");
    }

    @Test
    void pingAndHealthStayOpen() {
        assertThat(api.send("GET", "/ping", null).status()).isEqualTo(200);
        Api.Response alive = api.send("GET", "/health/alive", null);
        assertThat(alive.status()).isEqualTo(200);
        assertThat(alive.json()).isEqualTo(object("status", "ok"));
        Api.Response ready = api.send("GET", "/health/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json()).isEqualTo(object("status", "ok"));
    }

    /** /metrics tells about traffic, so it needs the token; the API description stays open. */
    @Test
    void metricsNeedTheTokenWhileTheOpenApiDescriptionStaysOpen() {
        assertError(api.send("GET", "/metrics", null), 401, null, null);
        assertError(api.send("GET", "/metrics", null, "Authorization", "Bearer wrong-" + TOKEN), 401, null, null);
        Api.Response metrics = api.send("GET", "/metrics", null, "Authorization", "Bearer " + TOKEN);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("hukz_messages_consumed_total");

        Api.Response openApi = api.send("GET", "/openapi.json", null);
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.json().path("paths").has("/events")).as(openApi.text()).isTrue();
    }
}
