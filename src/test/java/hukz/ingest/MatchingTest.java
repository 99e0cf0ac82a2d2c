package hukz.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Cleanup;
import hukz.support.DispatchKit;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static hukz.support.DispatchKit.awaitRequests;
import static hukz.support.DispatchKit.id;
import static hukz.support.DispatchKit.json;
import static hukz.support.DispatchKit.storedDeliveries;
import static hukz.support.DispatchKit.subject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC §4: which webhooks a NATS message reaches. */
class MatchingTest {
    static TestHukz hukz;
    static NatsPublisher nats;
    static Receiver control;
    static String controlSubject;
    static long controlWebhook;
    static int controlSent;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        nats = NatsPublisher.shared();
        control = new Receiver();
        controlSubject = subject("control");
        controlWebhook = id(hukz.api.createWebhook(control.url(), hukz.api.createEvent(controlSubject)));
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(control, nats, hukz);
    }

    /**
     * Publishes a message to the control webhook and waits until it is stored: ingest handles messages in
     * order, so everything published before it has been matched and stored by then.
     */
    static void awaitIngested() {
        controlSent++;
        int expected = controlSent;
        nats.publish(controlSubject, "{}");
        await().atMost(DispatchKit.WAIT).until(() -> storedDeliveries(hukz, controlWebhook) >= expected);
    }

    static List<String> receivedEvents(Receiver r) {
        return r.requests().stream().map(q -> json(q.body()).get("event").asText()).sorted().toList();
    }

    @Test
    void exactEventGetsItsMessagesAndNoOthers() {
        try (Receiver receiver = new Receiver()) {
            String s = subject("exact");
            long webhook = id(hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(s)));

            nats.publish(s + ".more", "{}");
            nats.publish(s.substring(0, s.length() - 1), "{}");
            nats.publish(s.toUpperCase(), "{}");
            nats.publish(s, "{\"n\":1}");
            awaitIngested();

            awaitRequests(receiver, 1);
            assertThat(storedDeliveries(hukz, webhook)).isEqualTo(1);
            assertThat(receivedEvents(receiver)).containsExactly(s);
        }
    }

    @Test
    void starMatchesExactlyOneToken() {
        try (Receiver receiver = new Receiver()) {
            String base = subject("star");
            long webhook = id(hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(base + ".*.created")));

            nats.publish(base + ".post.created", "{}");
            nats.publish(base + ".tag.created", "{}");
            nats.publish(base + ".created", "{}");
            nats.publish(base + ".a.b.created", "{}");
            nats.publish(base + ".post.updated", "{}");
            nats.publish(base + ".post.created.x", "{}");
            awaitIngested();

            awaitRequests(receiver, 2);
            assertThat(storedDeliveries(hukz, webhook)).isEqualTo(2);
            assertThat(receivedEvents(receiver)).containsExactly(base + ".post.created", base + ".tag.created");
        }
    }

    @Test
    void greaterThanMatchesOneOrMoreTrailingTokens() {
        try (Receiver receiver = new Receiver()) {
            String base = subject("gt");
            long webhook = id(hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(base + ".>")));

            nats.publish(base, "{}");
            nats.publish(base + "x.a", "{}");
            nats.publish(base + ".a", "{}");
            nats.publish(base + ".a.b.c", "{}");
            awaitIngested();

            awaitRequests(receiver, 2);
            assertThat(storedDeliveries(hukz, webhook)).isEqualTo(2);
            assertThat(receivedEvents(receiver)).containsExactly(base + ".a", base + ".a.b.c");
        }
    }

    @Test
    void webhookWithSeveralMatchingEventsGetsOneDeliveryPerMessage() {
        try (Receiver receiver = new Receiver()) {
            String base = subject("multi");
            long exact = hukz.api.createEvent(base + ".post.created");
            long star = hukz.api.createEvent(base + ".*.created");
            long rest = hukz.api.createEvent(base + ".>");
            long webhook = id(hukz.api.createWebhook(receiver.url(), exact, star, rest));

            nats.publish(base + ".post.created", "{}");
            awaitIngested();

            awaitRequests(receiver, 1);
            assertThat(storedDeliveries(hukz, webhook)).isEqualTo(1);
            await().during(java.time.Duration.ofMillis(500)).atMost(DispatchKit.WAIT).until(() -> receiver.count() == 1);
        }
    }

    @Test
    void everyMatchingWebhookGetsItsOwnDelivery() {
        try (Receiver a = new Receiver(); Receiver b = new Receiver()) {
            String s = subject("fanout");
            long event = hukz.api.createEvent(s);
            long wa = id(hukz.api.createWebhook(a.url(), event));
            long wb = id(hukz.api.createWebhook(b.url(), event));

            nats.publish(s, "{}");

            awaitRequests(a, 1);
            awaitRequests(b, 1);
            assertThat(storedDeliveries(hukz, wa)).isEqualTo(1);
            assertThat(storedDeliveries(hukz, wb)).isEqualTo(1);
        }
    }

    @Test
    void disabledAndDeletedWebhooksGetNothing() {
        try (Receiver live = new Receiver(); Receiver disabled = new Receiver(); Receiver deleted = new Receiver();
             Receiver turnedOff = new Receiver()) {
            String s = subject("off");
            long event = hukz.api.createEvent(s);
            long liveId = id(hukz.api.createWebhook(live.url(), event));
            long disabledId = id(hukz.api.createWebhook("{\"name\":\"off\",\"url\":\"" + disabled.url() + "\",\"enabled\":false,\"event_ids\":[" + event + "]}"));
            long deletedId = id(hukz.api.createWebhook(deleted.url(), event));
            long turnedOffId = id(hukz.api.createWebhook(turnedOff.url(), event));

            nats.publish(s, "{\"n\":1}");
            awaitRequests(turnedOff, 1);
            assertThat(hukz.api.delete("/webhooks/" + deletedId).status()).isEqualTo(200);
            assertThat(hukz.api.put("/webhooks/" + turnedOffId, "{\"name\":\"t\",\"url\":\"" + turnedOff.url()
                    + "\",\"enabled\":false,\"event_ids\":[" + event + "]}").status()).isEqualTo(200);

            nats.publish(s, "{\"n\":2}");
            awaitIngested();

            awaitRequests(live, 2);
            assertThat(storedDeliveries(hukz, liveId)).isEqualTo(2);
            assertThat(storedDeliveries(hukz, disabledId)).isZero();
            assertThat(storedDeliveries(hukz, deletedId)).isEqualTo(1);
            assertThat(storedDeliveries(hukz, turnedOffId)).isEqualTo(1);
            assertThat(disabled.count()).isZero();
            assertThat(deleted.requests()).extracting(r -> json(r.body()).get("payload").get("n").asInt()).containsExactly(1);
            assertThat(turnedOff.requests()).extracting(r -> json(r.body()).get("payload").get("n").asInt()).containsExactly(1);
        }
    }

    @Test
    void hukzTagHeadersRestrictToWebhooksWithAllThoseTags() {
        try (Receiver prodA = new Receiver(); Receiver prodB = new Receiver(); Receiver untagged = new Receiver()) {
            String s = subject("tags");
            long event = hukz.api.createEvent(s);
            long a = id(hukz.api.createWebhook("{\"name\":\"a\",\"url\":\"" + prodA.url() + "\",\"event_ids\":[" + event
                    + "],\"tags\":{\"env\":\"prod\",\"team\":\"a\",\"extra\":\"x\"}}"));
            long b = id(hukz.api.createWebhook("{\"name\":\"b\",\"url\":\"" + prodB.url() + "\",\"event_ids\":[" + event
                    + "],\"tags\":{\"env\":\"prod\",\"team\":\"b\"}}"));
            long u = id(hukz.api.createWebhook(untagged.url(), event));

            publish(s, "all");
            publish(s, "prod", "Hukz-Tag", "env:prod");
            publish(s, "prod-a", "Hukz-Tag", "env:prod", "Hukz-Tag", "team:a");
            publish(s, "team-c", "Hukz-Tag", "team:c");
            publish(s, "env-Prod", "Hukz-Tag", "env:Prod");
            publish(s, "prod-a-c", "Hukz-Tag", "team:a", "Hukz-Tag", "env:prod", "Hukz-Tag", "team:c");
            awaitIngested();

            awaitRequests(prodA, 3);
            awaitRequests(prodB, 2);
            awaitRequests(untagged, 1);
            assertThat(storedDeliveries(hukz, a)).isEqualTo(3);
            assertThat(storedDeliveries(hukz, b)).isEqualTo(2);
            assertThat(storedDeliveries(hukz, u)).isEqualTo(1);
            assertThat(payloads(prodA)).containsExactlyInAnyOrder("all", "prod", "prod-a");
            assertThat(payloads(prodB)).containsExactlyInAnyOrder("all", "prod");
            assertThat(payloads(untagged)).containsExactly("all");
        }
    }

    private static void publish(String subject, String text, String... headers) {
        nats.publish(subject, ("\"" + text + "\"").getBytes(StandardCharsets.UTF_8), headers);
    }

    private static List<String> payloads(Receiver r) {
        return r.requests().stream().map(q -> json(q.body()).get("payload").asText()).toList();
    }

    @Test
    void inboxAndSystemSubjectsAreIgnored() {
        try (Receiver receiver = new Receiver()) {
            String token = subject("sys").replace('.', '_');
            long inbox = hukz.api.createEvent("_INBOX." + token);
            long inboxAll = hukz.api.createEvent("_INBOX.>");
            long sys = hukz.api.createEvent("$SYS." + token);
            long dollar = hukz.api.createEvent("$" + token + ".x");
            long wide = hukz.api.createEvent("*." + token);
            long webhook = id(hukz.api.createWebhook(receiver.url(), inbox, inboxAll, sys, dollar, wide));

            nats.publish("_INBOX." + token, "{}");
            nats.publish("$SYS." + token, "{}");
            nats.publish("$" + token + ".x", "{}");
            nats.publish("ok." + token, "{}");
            awaitIngested();

            awaitRequests(receiver, 1);
            assertThat(storedDeliveries(hukz, webhook)).isEqualTo(1);
            assertThat(receivedEvents(receiver)).containsExactly("ok." + token);
        }
    }

    @Test
    void messagesWithoutAnyWebhookStoreNothing() {
        String s = subject("nobody");
        hukz.api.createEvent(s);
        long before = hukz.api.get("/deliveries?limit=1").json().get("total").asLong();
        nats.publish(s, "{}");
        awaitIngested();
        assertThat(hukz.api.get("/deliveries?limit=1").json().get("total").asLong()).isEqualTo(before + 1);
    }
}
