package hukz.ingest;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Cleanup;
import hukz.support.DispatchKit;
import hukz.support.LogCapture;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static hukz.support.DispatchKit.awaitLogs;
import static hukz.support.DispatchKit.awaitRequests;
import static hukz.support.DispatchKit.id;
import static hukz.support.DispatchKit.json;
import static hukz.support.DispatchKit.storedDeliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §7 and §4: a huge, binary or malformed NATS message is skipped or sent as specified, never stops
 * ingest, and never leaves a delivery that cannot be logged. Runs on a nats-server that carries 8 MB messages.
 */
class BadMessageTest {
    static TestNats server;
    static TestHukz hukz;
    static NatsPublisher nats;
    Receiver receiver;
    String subject;
    long webhook;
    LogCapture log;

    @BeforeAll
    static void start() {
        server = TestNats.start("-c", TestNats.configFile("max_payload: 8MB\nmax_pending: 64MB\n"));
        hukz = TestHukz.start(Map.of("nats_url", server.url()));
        nats = new NatsPublisher(server.url());
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(nats, hukz, server);
    }

    @BeforeEach
    void webhook() {
        log = new LogCapture();
        receiver = new Receiver();
        subject = DispatchKit.subject("bad");
        webhook = id(hukz.api.createWebhook(receiver.url(), hukz.api.createEvent(subject)));
    }

    @AfterEach
    void close() {
        receiver.close();
        log.close();
    }

    /** Publishes a normal message after the bad one and waits for it: ingest kept going. */
    private Receiver.Request followUpArrives(int expectedBefore) {
        nats.publish(subject, "{\"follow\":\"up\"}");
        List<Receiver.Request> got = awaitRequests(receiver, expectedBefore + 1);
        await().atMost(DispatchKit.WAIT).until(() -> receiver.requests().stream()
                .anyMatch(r -> json(r.body()).path("payload").path("follow").asText().equals("up")));
        assertThat(storedDeliveries(hukz, webhook)).isEqualTo(expectedBefore + 1);
        return got.get(0);
    }

    /** The bad message went out, was logged as delivered, and a normal one followed. */
    private JsonNode sentThenFollowUp(byte[] message) {
        nats.publish(subject, message, (String[]) null);
        Receiver.Request first = awaitRequests(receiver, 1).get(0);
        JsonNode log = awaitLogs(hukz, webhook, 1).get(0);
        assertThat(log.get("response_status_code").asInt()).isEqualTo(200);
        assertThat(log.get("data")).isEqualTo(json(first.body()));
        followUpArrives(1);
        await().atMost(DispatchKit.WAIT).until(() -> DispatchKit.deliveries(hukz, webhook).stream()
                .allMatch(d -> d.get("status").asText().equals("delivered")));
        return json(first.body()).get("payload");
    }

    /** The bad message created nothing and was logged in one line, and a normal one after it was delivered. */
    private void skippedThenFollowUp(String why, byte[] message, String... headers) {
        nats.publish(subject, message, headers);
        followUpArrives(0);
        assertThat(receiver.count()).isEqualTo(1);
        assertThat(log.lines(Level.WARN)).anySatisfy(line -> assertThat(line).contains("skipped message on " + subject).contains(why));
        assertThat(log.lines(Level.ERROR)).isEmpty();
    }

    @Test
    void binaryMessageIsSentLosslesslyAsAString() {
        byte[] binary = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff, (byte) 0xfe, 0x7f};
        JsonNode payload = sentThenFollowUp(binary);
        assertThat(payload.isTextual()).isTrue();
        assertThat(payload.asText().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(binary);
    }

    @Test
    void invalidUtf8IsSentAsAString() {
        byte[] latin1 = "café {\"a\":1}".getBytes(StandardCharsets.ISO_8859_1);
        JsonNode payload = sentThenFollowUp(latin1);
        assertThat(payload.asText()).isEqualTo("café {\"a\":1}");
    }

    @Test
    void textWithControlCharactersIsSentAsAString() {
        JsonNode payload = sentThenFollowUp("nul\u0000 bell\u0007 end".getBytes(StandardCharsets.UTF_8));
        assertThat(payload.asText()).isEqualTo("nul\u0000 bell\u0007 end");
    }

    @Test
    void jsonWithAnEscapedNulIsSentAsJson() {
        JsonNode payload = sentThenFollowUp("{\"a\":\"x\\u0000y\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(payload.get("a").asText()).isEqualTo("x\u0000y");
    }

    @Test
    void jsonWithALoneSurrogateEscapeIsDeliveredAndLogged() {
        JsonNode payload = sentThenFollowUp("{\"a\":\"\\ud800\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(payload.get("a").asText()).isEqualTo("\ud800");
    }

    @Test
    void jsonNestedTwoHundredDeepIsSentAsJson() {
        JsonNode payload = sentThenFollowUp(nested(200));
        assertThat(payload.isArray()).isTrue();
    }

    @Test
    void deeplyNestedJsonIsSentAsAString() {
        byte[] deep = nested(100_000);
        JsonNode payload = sentThenFollowUp(deep);
        assertThat(payload.isTextual()).isTrue();
        assertThat(payload.asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(deep);
    }

    @Test
    void unclosedDeepNestingIsSentAsAString() {
        JsonNode payload = sentThenFollowUp("[".repeat(50_000).getBytes(StandardCharsets.UTF_8));
        assertThat(payload.asText()).hasSize(50_000);
    }

    @Test
    void messageOfTwoMegabytesIsSkipped() {
        String marker = "oversized-payload-marker-";
        byte[] huge = ("\"" + marker.repeat(2 * 1024 * 1024 / marker.length()) + "\"").getBytes(StandardCharsets.UTF_8);
        skippedThenFollowUp("byte limit", huge);
        assertThat(log.events()).as("logged without its payload")
                .noneMatch(e -> e.getFormattedMessage().contains(marker) || e.getThrowableProxy() != null
                        && String.valueOf(e.getThrowableProxy().getMessage()).contains(marker));
    }

    @Test
    void messageJustUnderTheLimitIsSent() {
        byte[] big = ("\"" + "y".repeat(1024 * 1024 - 2) + "\"").getBytes(StandardCharsets.UTF_8);
        JsonNode payload = sentThenFollowUp(big);
        assertThat(payload.asText()).hasSize(1024 * 1024 - 2);
    }

    @Test
    void malformedTagHeaderIsSkipped() {
        skippedThenFollowUp("Hukz-Tag", "{}".getBytes(StandardCharsets.UTF_8), "Hukz-Tag", "no-colon");
    }

    @Test
    void overlongNatsMsgIdIsSkipped() {
        skippedThenFollowUp("Nats-Msg-Id", "{}".getBytes(StandardCharsets.UTF_8), "Nats-Msg-Id", randomText(5000));
    }

    @Test
    void natsMsgIdOf255CharactersIsTheWebhookId() {
        String id = randomText(255);
        nats.publish(subject, "{}".getBytes(StandardCharsets.UTF_8), "Nats-Msg-Id", id);
        assertThat(awaitRequests(receiver, 1).get(0).header("webhook-id")).isEqualTo(id);
    }

    private static String randomText(int length) {
        StringBuilder sb = new StringBuilder(length);
        java.util.Random random = new java.util.Random(42);
        while (sb.length() < length) {
            sb.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        return sb.substring(0, length);
    }

    private static byte[] nested(int depth) {
        return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }
}
