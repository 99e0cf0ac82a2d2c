package hukz.security;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.api.HeaderMask;
import hukz.support.Api;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A webhook's custom headers: {@code Content-Encoding} is refused (the signature covers the body as sent
 * uncompressed), and the values of credential-like headers never come back in a response, while a replace
 * that sends the mask back keeps them.
 */
class WebhookHeaderSecretsTest {
    static final String SECRET_HEADERS = "\"Authorization\":\"Bearer tok-123456\",\"Proxy-Authorization\":\"Basic cHJveHk=\","
            + "\"X-Api-Key\":\"key-abcdef\",\"x-auth-token\":\"t0ken\",\"X-Client-Secret\":\"s3cret\",\"X-Db-Password\":\"pw\","
            + "\"Cookie\":\"session=abc\",\"X-Plain\":\"visible\"";
    static TestHukz hukz;
    static Receiver receiver;
    static long event;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        receiver = new Receiver();
        event = hukz.api.createEvent("headers.secret");
    }

    @AfterAll
    static void stop() {
        hukz.close();
        receiver.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Encoding", "content-encoding", "CONTENT-ENCODING"})
    void contentEncodingIsRefused(String name) {
        Api.Response r = hukz.api.post("/webhooks", "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "],"
                + "\"headers\":{\"" + name + "\":\"gzip\"}}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").get(0).get("source").asText()).isEqualTo("headers");
        assertThat(r.json().get("errors").get(0).get("message").asText()).contains(name);
    }

    @Test
    void credentialHeaderValuesAreMaskedInEveryResponse() {
        Api.Response created = hukz.api.post("/webhooks", "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "],"
                + "\"headers\":{" + SECRET_HEADERS + "}}");
        assertThat(created.status()).isEqualTo(201);
        long id = created.id();
        assertMasked(created.json());
        assertMasked(hukz.api.get("/webhooks/" + id).json());
        JsonNode list = hukz.api.get("/webhooks?limit=100").json();
        for (JsonNode w : list.get("nodes")) {
            if (w.get("id").asLong() == id) {
                assertMasked(w);
            }
        }
        for (String path : new String[]{"/webhooks/" + id, "/webhooks?limit=100", "/webhooks/logs"}) {
            String text = hukz.api.get(path).text();
            assertThat(text).doesNotContain("tok-123456", "cHJveHk=", "key-abcdef", "t0ken", "s3cret", "session=abc");
        }
    }

    @Test
    void aReplaceSendingTheMaskBackKeepsTheStoredValue() throws Exception {
        long id = hukz.api.post("/webhooks", "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "],"
                + "\"headers\":{" + SECRET_HEADERS + "}}").id();
        JsonNode shown = hukz.api.get("/webhooks/" + id).json();
        // Send back what was shown, with one plain header changed.
        String headers = shown.get("headers").toString().replace("visible", "changed");
        Api.Response put = hukz.api.put("/webhooks/" + id, "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "],"
                + "\"headers\":" + headers + "}");
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertMasked(put.json(), "changed");

        int before = receiver.count();
        assertThat(hukz.api.post("/webhooks/" + id + "/test", "{}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.count() > before);
        Receiver.Request got = receiver.requests().get(receiver.requests().size() - 1);
        assertThat(got.header("Authorization")).isEqualTo("Bearer tok-123456");
        assertThat(got.header("X-Api-Key")).isEqualTo("key-abcdef");
        assertThat(got.header("X-Client-Secret")).isEqualTo("s3cret");
        assertThat(got.header("X-Plain")).isEqualTo("changed");
    }

    @Test
    void aMaskWithNothingStoredIsRefused() {
        long id = hukz.api.post("/webhooks", "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "]}").id();
        Api.Response put = hukz.api.put("/webhooks/" + id, "{\"url\":\"" + receiver.url() + "\",\"event_ids\":[" + event + "],"
                + "\"headers\":{\"Authorization\":\"" + HeaderMask.MASK + "\"}}");
        assertThat(put.status()).isEqualTo(422);
        assertThat(put.json().get("errors").get(0).get("source").asText()).isEqualTo("headers");
    }

    private static void assertMasked(JsonNode webhook) {
        assertMasked(webhook, "visible");
    }

    private static void assertMasked(JsonNode webhook, String plain) {
        JsonNode h = webhook.get("headers");
        for (String name : new String[]{"Authorization", "Proxy-Authorization", "X-Api-Key", "x-auth-token", "X-Client-Secret",
                "X-Db-Password", "Cookie"}) {
            assertThat(h.get(name).asText()).as(name).isEqualTo(HeaderMask.MASK);
        }
        assertThat(h.get("X-Plain").asText()).isEqualTo(plain);
    }
}
