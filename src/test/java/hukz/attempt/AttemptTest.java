package hukz.attempt;

import com.standardwebhooks.Webhook;
import hukz.Json;
import hukz.Version;
import hukz.ingest.Envelope;
import hukz.policy.RetryPolicy;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attempt stage in plain values, no Camel: the request it signs and the record it makes of what came back
 * (schedule 1s, 2s: three attempts at most).
 */
class AttemptTest {
    private final Attempt attempt = new Attempt(new RetryPolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), Duration.ofSeconds(30)));
    private final String secret = Signer.newSecret();

    private DeliveryTask task(int attemptsMade, String format, Map<String, String> headers) {
        String envelope = Envelope.build("msg_abc", "post.created", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Instant.now());
        Delivery d = new Delivery(7, Instant.now(), Instant.now(), 3, "msg_abc", "post.created", envelope, Delivery.PENDING,
                attemptsMade, null, null, null);
        hukz.store.Webhook w = new hukz.store.Webhook(3, Instant.now(), Instant.now(), 9, 9, "w", "http://receiver.example/hook", true,
                null, Map.of("team", "a"), null, secret, null, null, headers, format, List.of());
        return new DeliveryTask(d, w);
    }

    private DeliveryTask task(int attemptsMade) {
        return task(attemptsMade, PayloadFormat.JSON, Map.of("X-Api-Key", "k"));
    }

    private AttemptRecord answered(DeliveryTask task, int status, String body, String retryAfter) {
        return attempt.outcome(task, attempt.request(task), new Reply.Answer(status, retryAfter, body), 12);
    }

    private AttemptRecord failed(DeliveryTask task, Exception e) {
        return attempt.outcome(task, attempt.request(task), new Reply.Failure(e), 12);
    }

    private static void verify(String secret, SignedRequest r) throws Exception {
        new Webhook(secret).verify(r.body(), Map.of(
                "webhook-id", List.of(r.headers().get("webhook-id")),
                "webhook-timestamp", List.of(r.headers().get("webhook-timestamp")),
                "webhook-signature", List.of(r.headers().get("webhook-signature"))));
    }

    @Test
    void signsAPostWithTheWebhookHeadersAndTheStandardOnes() throws Exception {
        DeliveryTask task = task(0);
        Instant now = Instant.now();
        SignedRequest r = attempt.request(task, now);

        assertThat(r.url()).isEqualTo("http://receiver.example/hook");
        assertThat(r.body()).isEqualTo(task.delivery().payload());
        assertThat(r.bodyBytes()).isEqualTo(task.delivery().payload().getBytes(StandardCharsets.UTF_8));
        assertThat(r.timestamp()).isEqualTo(now.getEpochSecond());
        assertThat(r.headers()).containsOnlyKeys("X-Api-Key", "Content-Type", "User-Agent", "webhook-id", "webhook-timestamp",
                "webhook-signature");
        assertThat(r.headers()).containsEntry("X-Api-Key", "k").containsEntry("Content-Type", "application/json")
                .containsEntry("User-Agent", "hukz/" + Version.VERSION).containsEntry("webhook-id", "msg_abc")
                .containsEntry("webhook-timestamp", String.valueOf(now.getEpochSecond()));
        verify(secret, r);
    }

    @Test
    void hukzsOwnHeadersWinOverAWebhookHeaderOfTheSameNameInAnyCase() {
        SignedRequest r = attempt.request(task(0, PayloadFormat.JSON, Map.of("user-agent", "mine", "WEBHOOK-ID", "forged")));
        assertThat(r.headers()).hasSize(5);
        assertThat(r.headers().get("User-Agent")).isEqualTo("hukz/" + Version.VERSION);
        assertThat(r.headers().get("webhook-id")).isEqualTo("msg_abc");
    }

    @Test
    void aRotatedOutSecretSignsOnlyDuringItsGracePeriod() throws Exception {
        DeliveryTask t = task(0);
        hukz.store.Webhook w = t.webhook();
        String old = Signer.newSecret();
        for (Instant until : List.of(Instant.now().plusSeconds(3600), Instant.now().minusSeconds(1))) {
            hukz.store.Webhook rotated = new hukz.store.Webhook(w.id(), w.createdAt(), w.updatedAt(), w.createdById(), w.updatedById(),
                    w.name(), w.url(), true, null, w.tags(), null, w.secret(), old, until, w.headers(), w.format(), List.of());
            SignedRequest r = attempt.request(new DeliveryTask(t.delivery(), rotated));
            assertThat(r.headers().get("webhook-signature").split(" ")).hasSize(until.isAfter(Instant.now()) ? 2 : 1);
            verify(secret, r);
        }
    }

    @Test
    void chatFormatsAreRenderedWhenSent() {
        assertThat(attempt.request(task(0, PayloadFormat.SLACK, Map.of())).body()).startsWith("{\"text\":");
    }

    @Test
    void twoHundredsDeliver() {
        DeliveryTask t = task(0);
        AttemptRecord r = answered(t, 204, "", null);
        assertThat(r.status()).isEqualTo(Delivery.DELIVERED);
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(r.nextAttemptAt()).isNull();
        assertThat(r.error()).isNull();
        assertThat(r.disableReason()).isNull();
        assertThat(r.responseStatusCode()).isEqualTo(204);
        assertThat(r.tags()).isEqualTo(Map.of("team", "a"));
        assertThat(r.webhookCreatedById()).isEqualTo(9);
        assertThat(r.messageId()).isEqualTo("msg_abc");
        assertThat(r.durationMs()).isEqualTo(12);
        // the body sent is the stored payload: the record statement reads it from the delivery's row
        assertThat(r.data()).isNull();
        assertThat(r.url()).isEqualTo("http://receiver.example/hook");
    }

    @Test
    void aBodyThatIsNotTheStoredPayloadIsCarriedToTheLog() {
        AttemptRecord chat = answered(task(0, PayloadFormat.SLACK, Map.of()), 200, "", null);
        assertThat(chat.data()).startsWith("{\"text\":");
        Delivery stored = task(0).delivery();
        Delivery ping = new Delivery(0, stored.createdAt(), stored.updatedAt(), stored.webhookId(), stored.messageId(),
                "hukz.ping", stored.payload(), Delivery.PENDING, 0, stored.nextAttemptAt(), null, null);
        AttemptRecord pinged = answered(new DeliveryTask(ping, task(0).webhook()), 200, "", null);
        assertThat(pinged.data()).isEqualTo(stored.payload());
    }

    @Test
    void otherStatusesAreRetriedOnTheScheduleUntilItEnds() {
        Instant before = Instant.now();
        AttemptRecord first = answered(task(0), 500, "oops", null);
        assertThat(first.status()).isEqualTo(Delivery.PENDING);
        assertThat(first.error()).isEqualTo("HTTP 500");
        assertThat(first.nextAttemptAt()).isBetween(before.plusSeconds(1), Instant.now().plusMillis(1100));
        assertThat(first.responseBodyJson()).isEqualTo("\"oops\"");

        AttemptRecord last = answered(task(2), 302, "", null);
        assertThat(last.attempt()).isEqualTo(3);
        assertThat(last.status()).isEqualTo(Delivery.FAILED);
        assertThat(last.nextAttemptAt()).isNull();
        assertThat(last.disableReason()).isNull();
    }

    @Test
    void goneFailsAtOnceAndCarriesTheDisableReason() {
        AttemptRecord r = answered(task(0), 410, "", null);
        assertThat(r.status()).isEqualTo(Delivery.FAILED);
        assertThat(r.nextAttemptAt()).isNull();
        assertThat(r.error()).isEqualTo("HTTP 410");
        assertThat(r.disableReason()).isEqualTo("receiver answered 410 Gone");
    }

    @Test
    void retryAfterCountsOnlyFor429And503() {
        Instant before = Instant.now();
        assertThat(answered(task(0), 429, "", "60").nextAttemptAt()).isAfterOrEqualTo(before.plusSeconds(2));
        assertThat(answered(task(0), 503, "", "60").nextAttemptAt()).isAfterOrEqualTo(before.plusSeconds(2));
        assertThat(answered(task(0), 500, "", "60").nextAttemptAt()).isBefore(before.plusSeconds(2));
    }

    @Test
    void aProbeIsRecordedAsOneAndSpendsItsStep() {
        DeliveryTask t = task(2);
        DeliveryTask probe = new DeliveryTask(t.delivery(), t.webhook(), true);
        AttemptRecord r = attempt.outcome(probe, attempt.request(probe), new Reply.Failure(new SocketTimeoutException("Read timed out")), 5);
        assertThat(r.probe()).isTrue();
        assertThat(r.attempt()).isEqualTo(3);
        assertThat(r.status()).isEqualTo(Delivery.FAILED);
    }

    @Test
    void failuresWithoutResponseHaveStatusZeroAndAShortError() {
        AttemptRecord timeout = failed(task(0), new SocketTimeoutException("Read timed out"));
        assertThat(timeout.responseStatusCode()).isZero();
        assertThat(timeout.responseBodyJson()).isNull();
        assertThat(timeout.error()).startsWith("timeout");
        assertThat(timeout.status()).isEqualTo(Delivery.PENDING);
        assertThat(Attempt.outcomeOf(timeout)).isEqualTo("timeout");

        AttemptRecord refused = failed(task(0), new RuntimeException(new ConnectException("Connection refused")));
        assertThat(refused.error()).startsWith("connection error");
        assertThat(Attempt.outcomeOf(refused)).isEqualTo("connection_error");

        AttemptRecord guarded = failed(task(0), new UnknownHostException(GuardedDnsResolver.REFUSED + "x resolves to a loopback address"));
        assertThat(guarded.error()).startsWith("refused");
        assertThat(Attempt.outcomeOf(guarded)).isEqualTo("refused");

        AttemptRecord unknown = failed(task(0), new UnknownHostException("nowhere.example"));
        assertThat(unknown.error()).isEqualTo("connection error: unknown host nowhere.example");

        AttemptRecord other = failed(task(0), new IllegalStateException("x".repeat(2000)));
        assertThat(other.error()).hasSizeLessThanOrEqualTo(500).startsWith("IllegalStateException: ");
        assertThat(Attempt.outcomeOf(other)).isEqualTo("other");
    }

    @Test
    void responseBodyIsKeptAsJsonWhenItIsJsonElseAsAString() {
        assertThat(Attempt.responseJson("{\"ok\":true}")).isEqualTo("{\"ok\":true}");
        assertThat(Attempt.responseJson("[1]")).isEqualTo("[1]");
        assertThat(Attempt.responseJson("thanks")).isEqualTo("\"thanks\"");
        assertThat(Attempt.responseJson("")).isEqualTo("\"\"");
        assertThat(Attempt.responseJson("{\"ok\":")).isEqualTo("\"{\\\"ok\\\":\"");
        assertThat(Attempt.responseJson(null)).isNull();
    }

    /** An answer that closes its value and goes on with keys of its own is not JSON: it is logged as one string. */
    @Test
    void anAnswerThatTriesToAddKeysToTheBatchIsKeptAsAString() {
        String hostile = "{\"ok\":true}, \"delivery_id\": 1, \"status\": \"failed\"";
        assertThat(Attempt.responseJson(hostile)).isEqualTo(Json.write(hostile));
        assertThat(Attempt.responseJson("{\"ok\":true} {\"delivery_id\": 1}")).startsWith("\"");
        assertThat(Attempt.responseJson("[1]]")).isEqualTo("\"[1]]\"");
    }

    @Test
    void responseBodyIsCutAt64KiB() {
        Reply.Answer big = Reply.Answer.of(200, null, "z".repeat(100_000).getBytes(StandardCharsets.UTF_8));
        assertThat(big.body()).hasSize(Attempt.MAX_RESPONSE_BYTES);
        DeliveryTask t = task(0);
        assertThat(attempt.outcome(t, attempt.request(t), big, 1).responseBodyJson()).hasSize(Attempt.MAX_RESPONSE_BYTES + 2);
        Reply.Answer exact = Reply.Answer.of(200, null, new byte[Attempt.MAX_RESPONSE_BYTES]);
        assertThat(exact.body()).hasSize(Attempt.MAX_RESPONSE_BYTES);
    }

    @Test
    void outcomesByStatusClass() {
        assertThat(Attempt.outcomeOf(answered(task(0), 200, "", null))).isEqualTo("2xx");
        assertThat(Attempt.outcomeOf(answered(task(0), 404, "", null))).isEqualTo("4xx");
        assertThat(Attempt.outcomeOf(answered(task(0), 502, "", null))).isEqualTo("5xx");
    }

    @Test
    void aDeliveryOfADisabledWebhookFailsWithoutAnAttempt() {
        AttemptRecord r = attempt.refusedFinally(task(1), "webhook is disabled or deleted");
        assertThat(r.status()).isEqualTo(Delivery.FAILED);
        assertThat(r.attempt()).isEqualTo(2);
        assertThat(r.nextAttemptAt()).isNull();
        assertThat(r.responseStatusCode()).isZero();
        assertThat(r.responseBodyJson()).isNull();
        assertThat(r.durationMs()).isZero();
        assertThat(r.error()).isEqualTo("webhook is disabled or deleted");
        assertThat(r.disableReason()).isNull();
        assertThat(r.probe()).isFalse();
    }
}
