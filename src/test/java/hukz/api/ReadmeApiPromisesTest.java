package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.Cleanup;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.json;
import static hukz.api.ApiAssert.object;
import static hukz.api.ApiAssert.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Promises of the README's REST API section that no other test held it to. */
class ReadmeApiPromisesTest {
    static TestHukz hukz;
    static Api api;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(hukz);
    }

    @Test
    void deletesAnswer200WithAnEmptyObject() {
        long event = api.createEvent("readme.delete." + System.nanoTime());
        long webhook = api.createWebhook("http://example.com/delete", event).get("id").asLong();

        Api.Response deletedWebhook = api.delete("/webhooks/" + webhook);
        assertThat(deletedWebhook.status()).isEqualTo(200);
        assertThat(deletedWebhook.json()).isEqualTo(object());
        Api.Response deletedEvent = api.delete("/events/" + event);
        assertThat(deletedEvent.status()).isEqualTo(200);
        assertThat(deletedEvent.json()).isEqualTo(object());
    }

    /** The README: a form content type makes the body form fields, which is refused; it is never read as JSON. */
    @Test
    void aFormBodyIsRefusedIn4xxErrorShapeAndChangesNothing() {
        String before = snapshot(hukz.database());
        String form = "name=form&event=readme.form";
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            Api.Response r = api.send("POST", "/events", form, "X-User", "1", "Content-Type", type);
            assertThat(r.status()).as("%s: %s", type, r.text()).isBetween(400, 499);
            JsonNode error = ApiAssert.assertError(r, r.status(), null, null);
            assertThat(error.get("code").asInt()).isEqualTo(r.status());
            // the same fields as JSON would have been accepted: only the content type was refused
            Api.Response asJson = api.send("POST", "/events", json("name", "form", "event", "readme.form.json." + type.length()),
                    "X-User", "1", "Content-Type", type);
            assertThat(asJson.status()).as("JSON sent as %s: %s", type, asJson.text()).isBetween(400, 499);
        }
        assertThat(snapshot(hukz.database())).isEqualTo(before);
    }

    /** GET /deliveries takes the repeatable tag=key:value filters of every list: the webhook's tags. */
    @Test
    void deliveriesAreFilteredByTheirWebhooksTags() {
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            String subject = "readme.tags." + System.nanoTime();
            long event = api.createEvent(subject);
            long blue = api.createWebhook(json("url", receiver.url(), "event_ids", List.of(event),
                    "tags", Map.of("team", "blue", "env", "prod"))).get("id").asLong();
            long green = api.createWebhook(json("url", receiver.url(), "event_ids", List.of(event),
                    "tags", Map.of("team", "green", "env", "prod"))).get("id").asLong();
            nats.publish(subject, "{}");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE event = '" + subject + "'") == 2);

            assertThat(webhookIds("/deliveries?limit=100&event=" + subject + "&tag=team:blue")).containsExactly(blue);
            assertThat(webhookIds("/deliveries?limit=100&event=" + subject + "&tag=team:green")).containsExactly(green);
            assertThat(webhookIds("/deliveries?limit=100&event=" + subject + "&tag=env:prod")).containsExactlyInAnyOrder(blue, green);
            assertThat(webhookIds("/deliveries?limit=100&event=" + subject + "&tag=env:prod&tag=team:blue")).containsExactly(blue);
            assertThat(webhookIds("/deliveries?limit=100&event=" + subject + "&tag=team:red")).isEmpty();
            assertThat(api.get("/deliveries?event=" + subject + "&tag=team:blue").json().get("total").asInt()).isEqualTo(1);
        }
    }

    private static List<Long> webhookIds(String path) {
        Api.Response r = api.get(path);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<Long> ids = new java.util.ArrayList<>();
        r.json().get("nodes").forEach(n -> ids.add(n.get("webhook_id").asLong()));
        return ids;
    }
}
