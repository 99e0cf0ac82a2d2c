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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.assertError;
import static hukz.api.ApiAssert.assertFieldError;
import static hukz.api.ApiAssert.assertRfc3339Utc;
import static hukz.api.ApiAssert.json;
import static hukz.api.ApiAssert.object;
import static hukz.api.ApiAssert.unchangedAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** /deliveries and the webhook actions that make attempts (test, recover, secret rotation), on real deliveries. */
class DeliveryApiTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static TestHukz hukz;
    static Api api;
    static NatsPublisher nats;
    static final List<Receiver> receivers = new ArrayList<>();

    @BeforeAll
    static void start() {
        // Retries alone: a receiver failing more than circuit_failures times in a row would open its circuit
        // and hold the remaining retries (that is CircuitTest's subject).
        hukz = TestHukz.start(Map.of("circuit_failures", "1000"));
        api = hukz.api;
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        List<AutoCloseable> all = new ArrayList<>(receivers);
        all.add(0, nats);
        all.add(hukz);
        Cleanup.closeAll(all.toArray(AutoCloseable[]::new));
    }

    static Receiver receiver(int status) {
        Receiver r = new Receiver().always(req -> Receiver.Answer.status(status));
        receivers.add(r);
        return r;
    }

    static JsonNode deliveries(String query) {
        Api.Response r = api.get("/deliveries" + query);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    static JsonNode delivery(long id) {
        Api.Response r = api.get("/deliveries/" + id);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    static String status(long id) {
        return delivery(id).get("status").asText();
    }

    /** Publishes and waits for the webhook's one delivery of it to exist; returns its id. */
    static long publishAndAwaitDelivery(String subject, long webhook) {
        int before = deliveries("?webhook_id=" + webhook).get("total").asInt();
        nats.publish(subject, "{\"for\":\"" + subject + "\"}");
        await().atMost(WAIT).until(() -> deliveries("?webhook_id=" + webhook).get("total").asInt() == before + 1);
        return deliveries("?webhook_id=" + webhook).get("nodes").get(0).get("id").asLong();
    }

    @Test
    void deliveriesAreListedAndFilteredByWebhookStatusAndEvent() {
        Receiver ok = receiver(200);
        Receiver down = receiver(503);
        long event = api.createEvent("dlv.list");
        long okHook = api.createWebhook(ok.url(), event).get("id").asLong();
        long downHook = api.createWebhook(down.url(), event).get("id").asLong();

        long delivered = publishAndAwaitDelivery("dlv.list", okHook);
        long failed = deliveries("?webhook_id=" + downHook).get("nodes").get(0).get("id").asLong();
        await().atMost(WAIT).until(() -> status(delivered).equals("delivered") && status(failed).equals("failed"));

        JsonNode all = deliveries("?event=dlv.list");
        assertThat(all.get("total").asInt()).isEqualTo(2);
        assertThat(EventApiTest.ids(all)).containsExactlyInAnyOrder(delivered, failed);
        assertThat(EventApiTest.ids(deliveries("?webhook_id=" + okHook))).containsExactly(delivered);
        assertThat(EventApiTest.ids(deliveries("?event=dlv.list&status=delivered"))).containsExactly(delivered);
        assertThat(EventApiTest.ids(deliveries("?event=dlv.list&status=failed"))).containsExactly(failed);
        assertThat(deliveries("?event=dlv.list&status=pending").get("total").asInt()).isZero();
        assertThat(deliveries("?event=dlv.other").get("total").asInt()).isZero();
        assertError(api.get("/deliveries?status=done"), 400, null, "status");
        assertError(api.get("/deliveries?webhook_id=abc"), 400, "Invalid ID", null);

        JsonNode row = deliveries("?webhook_id=" + okHook).get("nodes").get(0);
        assertThat(row.get("webhook_id").asLong()).isEqualTo(okHook);
        assertThat(row.get("event").asText()).isEqualTo("dlv.list");
        assertThat(row.get("message_id").asText()).isEqualTo(ok.requests().get(0).header("webhook-id"));
        assertRfc3339Utc(row.get("created_at"));
        assertRfc3339Utc(row.get("updated_at"));
    }

    @Test
    void oneDeliveryShowsItsAttemptsInOrder() {
        Receiver down = receiver(500);
        long event = api.createEvent("dlv.attempts");
        long hook = api.createWebhook(down.url(), event).get("id").asLong();
        long id = publishAndAwaitDelivery("dlv.attempts", hook);
        await().atMost(WAIT).until(() -> status(id).equals("failed"));

        JsonNode d = delivery(id);
        assertThat(d.get("id").asLong()).isEqualTo(id);
        assertThat(d.get("webhook_id").asLong()).isEqualTo(hook);
        assertThat(d.get("status").asText()).isEqualTo("failed");
        assertThat(d.get("last_status_code").asInt()).isEqualTo(500);
        assertThat(d.get("next_attempt_at").isNull()).isTrue();
        JsonNode attempts = d.get("attempts");
        assertThat(attempts).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(attempts.get(i).get("attempt").asInt()).isEqualTo(i + 1);
            assertThat(attempts.get(i).get("delivery_id").asLong()).isEqualTo(id);
            assertThat(attempts.get(i).get("response_status_code").asInt()).isEqualTo(500);
        }
        assertThat(down.count()).isEqualTo(4);
    }

    @Test
    void retryAnswers202AndAttemptsTheDeliveryNow() {
        Receiver receiver = receiver(500);
        long event = api.createEvent("dlv.retry");
        long hook = api.createWebhook(receiver.url(), event).get("id").asLong();
        long id = publishAndAwaitDelivery("dlv.retry", hook);
        await().atMost(WAIT).until(() -> status(id).equals("failed"));
        int before = receiver.count();
        receiver.always(r -> Receiver.Answer.ok());

        Api.Response retry = api.post("/deliveries/" + id + "/retry", null);

        assertThat(retry.status()).as(retry.text()).isEqualTo(202);
        assertThat(retry.json().get("id").asLong()).isEqualTo(id);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.count() == before + 1);
        await().atMost(WAIT).until(() -> status(id).equals("delivered"));
        JsonNode d = delivery(id);
        assertThat(d.get("attempts")).hasSize(before + 1);
        assertThat(d.get("last_status_code").asInt()).isEqualTo(200);
        assertThat(receiver.requests().get(before).header("webhook-id")).as("the same message id on every attempt")
                .isEqualTo(receiver.requests().get(0).header("webhook-id"));
    }

    @Test
    void recoverRequeuesTheWebhooksFailedDeliveriesSinceTheGivenTime() {
        Receiver receiver = receiver(500);
        long event = api.createEvent("dlv.recover");
        long hook = api.createWebhook(receiver.url(), event).get("id").asLong();
        Instant before = Instant.now().minusSeconds(5);
        long first = publishAndAwaitDelivery("dlv.recover", hook);
        long second = publishAndAwaitDelivery("dlv.recover", hook);
        await().atMost(WAIT).until(() -> status(first).equals("failed") && status(second).equals("failed"));

        Api.Response none = api.post("/webhooks/" + hook + "/recover", json("since", Instant.now().plusSeconds(60).toString()));
        assertThat(none.status()).as(none.text()).isIn(200, 202);
        assertThat(none.json()).isEqualTo(object("count", 0));
        assertThat(status(first)).isEqualTo("failed");

        receiver.always(r -> Receiver.Answer.ok());
        Api.Response recovered = api.post("/webhooks/" + hook + "/recover", json("since", before.toString()));
        assertThat(recovered.status()).as(recovered.text()).isIn(200, 202);
        assertThat(recovered.json()).isEqualTo(object("count", 2));
        await().atMost(WAIT).until(() -> status(first).equals("delivered") && status(second).equals("delivered"));
    }

    /**
     * Waits until no delivery of the earlier tests is pending: their retries would otherwise change the tables
     * while a test shows that a refused request changed nothing.
     */
    static void awaitNoPendingDeliveries() {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE status = 'pending'") == 0);
    }

    @Test
    void recoverNeedsAnRfc3339Since() {
        long hook = api.createWebhook("http://example.com/recover", api.createEvent("dlv.recover.bad")).get("id").asLong();
        awaitNoPendingDeliveries();
        unchangedAll(hukz, () -> {
            assertFieldError(api.post("/webhooks/" + hook + "/recover", json()), "since");
            assertFieldError(api.post("/webhooks/" + hook + "/recover", json("since", "yesterday")), "since");
            assertFieldError(api.post("/webhooks/" + hook + "/recover", json("since", 1700000000)), "since");
        });
    }

    @Test
    void testSendsAHukzPingNowAndAnswersTheAttemptsLogRow() throws Exception {
        Receiver receiver = receiver(200);
        long hook = api.createWebhook(json("url", receiver.url(), "event_ids", List.of(api.createEvent("dlv.ping")),
                "tags", Map.of("ping", "yes"))).get("id").asLong();

        Api.Response r = api.post("/webhooks/" + hook + "/test", null);

        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(receiver.count()).as("sent before answering").isEqualTo(1);
        Receiver.Request sent = receiver.requests().get(0);
        sent.verify(api.secret(hook));
        JsonNode body = ApiAssert.parse(sent.body());
        assertThat(body.get("event").asText()).isEqualTo("hukz.ping");
        JsonNode row = r.json();
        assertThat(row.get("event").asText()).isEqualTo("hukz.ping");
        assertThat(row.get("webhook_id").asLong()).isEqualTo(hook);
        assertThat(row.get("response_status_code").asInt()).isEqualTo(200);
        assertThat(row.get("data")).isEqualTo(body);
        assertThat(row.get("tags")).isEqualTo(object("ping", "yes"));
        assertThat(row.get("message_id").asText()).isEqualTo(sent.header("webhook-id"));
        JsonNode logs = api.get("/webhooks/logs?event=hukz.ping&webhook_id=" + hook).json();
        assertThat(logs.get("total").asInt()).isEqualTo(1);
        assertThat(logs.get("nodes").get(0)).isEqualTo(row);
    }

    @Test
    void testOfAnUnreachableWebhookAnswersAFailedLogRow() {
        long hook = api.createWebhook("http://127.0.0.1:" + WebhookLogApiTest.closedPort() + "/h", api.createEvent("dlv.ping.down"))
                .get("id").asLong();
        Api.Response r = api.post("/webhooks/" + hook + "/test", null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("response_status_code").asInt()).isZero();
        assertThat(r.json().get("error").asText()).isNotBlank();
    }

    @Test
    void afterRotationTheOldSecretKeepsSigningBesideTheNewOne() throws Exception {
        Receiver receiver = receiver(200);
        long event = api.createEvent("dlv.rotate");
        long hook = api.createWebhook(receiver.url(), event).get("id").asLong();
        String old = api.secret(hook);

        String key = api.post("/webhooks/" + hook + "/secret/rotate", null).json().get("key").asText();
        assertThat(key).isNotEqualTo(old);
        nats.publish("dlv.rotate", "{\"after\":\"rotation\"}");
        await().atMost(WAIT).until(() -> receiver.count() == 1);

        Receiver.Request sent = receiver.requests().get(0);
        assertThat(sent.header("webhook-signature").split(" ")).hasSize(2);
        assertThatCode(() -> sent.verify(key)).doesNotThrowAnyException();
        assertThatCode(() -> sent.verify(old)).doesNotThrowAnyException();
        assertThatCode(() -> sent.verify(WebhookApiTest.secretOf(32))).as("a stranger's key does not verify").isInstanceOf(Exception.class);
    }

    @Test
    void deliveriesListTheNewestFirstAndPage() {
        long event = api.createEvent("dlv.page");
        long hook = api.createWebhook(receiver(200).url(), event).get("id").asLong();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(publishAndAwaitDelivery("dlv.page", hook));
        }
        assertThat(EventApiTest.ids(deliveries("?webhook_id=" + hook))).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        JsonNode page2 = deliveries("?webhook_id=" + hook + "&limit=2&page=2");
        assertThat(page2.get("total").asInt()).isEqualTo(3);
        assertThat(EventApiTest.ids(page2)).containsExactly(ids.get(0));
    }
}
