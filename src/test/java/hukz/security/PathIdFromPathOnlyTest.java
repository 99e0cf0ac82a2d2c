package hukz.security;

import hukz.support.Api;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code {id}} comes from the path only. platform-http turns form and multipart fields into message
 * headers, where {@code id=...} in a body used to stand in for the path's id: such bodies are refused before
 * anything happens, and a request header named {@code id} does not count either.
 */
class PathIdFromPathOnlyTest {
    static TestHukz hukz;
    static long target;
    static long other;
    static long event;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        event = hukz.api.createEvent("pathid.test");
        target = hukz.api.createWebhook("http://127.0.0.1:9/a", event).get("id").asLong();
        other = hukz.api.createWebhook("http://127.0.0.1:9/b", event).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @ParameterizedTest
    @CsvSource({
            "DELETE, /webhooks/{target}",
            "POST, /webhooks/{target}/secret/rotate",
            "POST, /webhooks/{target}/test",
            "PUT, /webhooks/{target}",
            "DELETE, /events/{event}",
            "POST, /deliveries/{target}/retry",
            "POST, /webhooks/{target}/recover"})
    void formAndMultipartBodiesAreRefusedAndChangeNothing(String method, String template) {
        String path = template.replace("{target}", "999999").replace("{event}", "999999");
        String before = Sql.snapshot(hukz.database());
        Api.Response form = hukz.api.send(method, path, "id=" + other + "&event_id=" + event,
                "X-User", "1", "Content-Type", "application/x-www-form-urlencoded");
        assertRefused(form);
        String boundary = "b0undary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n" + other + "\r\n--" + boundary + "--\r\n";
        Api.Response mp = hukz.api.send(method, path, multipart, "X-User", "1", "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertRefused(mp);
        assertThat(Sql.snapshot(hukz.database())).isEqualTo(before);
    }

    private static void assertRefused(Api.Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(415);
        assertThat(r.json().get("errors").get(0).get("code").asInt()).isEqualTo(415);
    }

    @Test
    void aRequestHeaderNamedIdDoesNotChooseTheRecord() {
        long victim = hukz.api.createWebhook("http://127.0.0.1:9/victim", event).get("id").asLong();
        Api.Response r = hukz.api.send("GET", "/webhooks/999999", null, "X-User", "1", "id", String.valueOf(victim));
        assertThat(r.status()).isEqualTo(404);
        Api.Response d = hukz.api.send("DELETE", "/webhooks/999999", null, "X-User", "1", "id", String.valueOf(victim));
        assertThat(d.status()).isEqualTo(404);
        assertThat(hukz.api.get("/webhooks/" + victim).status()).isEqualTo(200);
    }

    @Test
    void aGetWithAFormBodyIsAnErrorShapedRefusalNotA500() {
        for (String path : new String[]{"/ping", "/webhooks/" + target, "/events"}) {
            Api.Response r = hukz.api.send("GET", path, "a=1", "X-User", "1", "Content-Type", "application/x-www-form-urlencoded");
            assertRefused(r);
        }
        assertThat(hukz.api.get("/webhooks/" + target).status()).isEqualTo(200);
        assertThat(hukz.api.get("/webhooks/" + other).status()).isEqualTo(200);
    }

    @Test
    void jsonRequestsStillWork() {
        Api.Response r = hukz.api.send("POST", "/webhooks/" + target + "/secret/rotate", "{}", "X-User", "1",
                "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("key").asText()).startsWith("whsec_");
    }
}
