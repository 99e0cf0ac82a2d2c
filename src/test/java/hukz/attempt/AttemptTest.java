package hukz.attempt;

import hukz.ingest.Envelope;
import hukz.policy.RetrySchedule;

import com.standardwebhooks.Webhook;
import hukz.Version;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The attempt bean on its own: the request it prepares and how it reads an outcome (schedule 1s, 2s). */
class AttemptTest {
    static CamelContext camel;
    private final Attempt attempt = new Attempt(new RetrySchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2))));
    private final String secret = Signer.newSecret();

    @BeforeAll
    static void camel() {
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void close() throws Exception {
        camel.close();
    }

    private DeliveryTask task(int attemptsMade, String format) {
        String envelope = Envelope.build("msg_abc", "post.created", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Instant.now());
        Delivery d = new Delivery(7, Instant.now(), Instant.now(), 3, "msg_abc", "post.created", envelope, Delivery.PENDING,
                attemptsMade, null, null, null);
        hukz.store.Webhook w = new hukz.store.Webhook(3, Instant.now(), Instant.now(), 9, 9, "w", "http://receiver.example/hook", true,
                null, Map.of("team", "a"), null, secret, null, null, Map.of("X-Api-Key", "k"), format, List.of());
        return new DeliveryTask(d, w);
    }

    private Exchange prepared(DeliveryTask task) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader("CamelNatsSubject", "post.created");
        exchange.getMessage().setHeader("Nats-Msg-Id", "x");
        exchange.getMessage().setBody(task);
        attempt.prepare(exchange);
        return exchange;
    }

    private AttemptRecord answered(DeliveryTask task, int status, String body, Map<String, String> headers) {
        Exchange exchange = prepared(task);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        headers.forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setBody(body);
        return attempt.outcome(exchange);
    }

    private AttemptRecord failed(DeliveryTask task, Exception e) {
        Exchange exchange = prepared(task);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        return attempt.outcome(exchange);
    }

    @Test
    void preparesASignedPostWithOnlyTheRequestHeaders() throws Exception {
        DeliveryTask task = task(0, PayloadFormat.JSON);
        Exchange exchange = prepared(task);
        var m = exchange.getMessage();
        String body = new String(m.getBody(byte[].class), StandardCharsets.UTF_8);

        assertThat(m.getHeader(Exchange.HTTP_URI)).isEqualTo("http://receiver.example/hook");
        assertThat(m.getHeader(Exchange.HTTP_METHOD)).isEqualTo("POST");
        assertThat(m.getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(m.getHeader("User-Agent")).isEqualTo("hukz/" + Version.VERSION);
        assertThat(m.getHeader("X-Api-Key")).isEqualTo("k");
        assertThat(m.getHeader("webhook-id")).isEqualTo("msg_abc");
        assertThat(m.getHeaders()).doesNotContainKeys("CamelNatsSubject", "Nats-Msg-Id");
        assertThat(body).isEqualTo(task.delivery().payload());
        new Webhook(secret).verify(body, Map.of(
                "webhook-id", List.of(m.getHeader("webhook-id", String.class)),
                "webhook-timestamp", List.of(m.getHeader("webhook-timestamp", String.class)),
                "webhook-signature", List.of(m.getHeader("webhook-signature", String.class))));
    }

    @Test
    void aRotatedOutSecretSignsOnlyDuringItsGracePeriod() {
        DeliveryTask t = task(0, PayloadFormat.JSON);
        hukz.store.Webhook w = t.webhook();
        String old = Signer.newSecret();
        for (Instant until : List.of(Instant.now().plusSeconds(3600), Instant.now().minusSeconds(1))) {
            hukz.store.Webhook rotated = new hukz.store.Webhook(w.id(), w.createdAt(), w.updatedAt(), w.createdById(), w.updatedById(),
                    w.name(), w.url(), true, null, w.tags(), null, w.secret(), old, until, w.headers(), w.format(), List.of());
            Exchange exchange = prepared(new DeliveryTask(t.delivery(), rotated));
            int signatures = exchange.getMessage().getHeader("webhook-signature", String.class).split(" ").length;
            assertThat(signatures).isEqualTo(until.isAfter(Instant.now()) ? 2 : 1);
        }
    }

    @Test
    void chatFormatsAreRenderedWhenSent() {
        Exchange exchange = prepared(task(0, PayloadFormat.SLACK));
        assertThat(new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).startsWith("{\"text\":");
    }

    @Test
    void twoHundredsDeliver() {
        AttemptRecord r = answered(task(0, PayloadFormat.JSON), 204, "", Map.of());
        assertThat(r.status()).isEqualTo(Delivery.DELIVERED);
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(r.nextAttemptAt()).isNull();
        assertThat(r.error()).isNull();
        assertThat(r.responseStatusCode()).isEqualTo(204);
        assertThat(r.tags()).isEqualTo(Map.of("team", "a"));
        assertThat(r.webhookCreatedById()).isEqualTo(9);
        assertThat(r.messageId()).isEqualTo("msg_abc");
    }

    @Test
    void otherStatusesAreRetriedOnTheScheduleUntilItEnds() {
        Instant before = Instant.now();
        AttemptRecord first = answered(task(0, PayloadFormat.JSON), 500, "oops", Map.of());
        assertThat(first.status()).isEqualTo(Delivery.PENDING);
        assertThat(first.error()).isEqualTo("HTTP 500");
        assertThat(first.nextAttemptAt()).isBetween(before.plusSeconds(1), Instant.now().plusMillis(1100));
        assertThat(first.responseBodyJson()).isEqualTo("\"oops\"");

        AttemptRecord last = answered(task(2, PayloadFormat.JSON), 302, "", Map.of("Location", "http://elsewhere.example/"));
        assertThat(last.attempt()).isEqualTo(3);
        assertThat(last.status()).isEqualTo(Delivery.FAILED);
        assertThat(last.nextAttemptAt()).isNull();
    }

    @Test
    void goneFailsAtOnce() {
        AttemptRecord r = answered(task(0, PayloadFormat.JSON), 410, "", Map.of());
        assertThat(r.status()).isEqualTo(Delivery.FAILED);
        assertThat(r.nextAttemptAt()).isNull();
    }

    @Test
    void retryAfterCountsOnlyFor429And503() {
        Instant before = Instant.now();
        AttemptRecord tooMany = answered(task(0, PayloadFormat.JSON), 429, "", Map.of("Retry-After", "60"));
        assertThat(tooMany.nextAttemptAt()).isAfterOrEqualTo(before.plusSeconds(2));
        AttemptRecord unavailable = answered(task(0, PayloadFormat.JSON), 503, "", Map.of("Retry-After", "60"));
        assertThat(unavailable.nextAttemptAt()).isAfterOrEqualTo(before.plusSeconds(2));
        AttemptRecord error = answered(task(0, PayloadFormat.JSON), 500, "", Map.of("Retry-After", "60"));
        assertThat(error.nextAttemptAt()).isBefore(before.plusSeconds(2));
    }

    @Test
    void failuresWithoutResponseHaveStatusZeroAndAShortError() {
        AttemptRecord timeout = failed(task(0, PayloadFormat.JSON), new SocketTimeoutException("Read timed out"));
        assertThat(timeout.responseStatusCode()).isZero();
        assertThat(timeout.responseBodyJson()).isNull();
        assertThat(timeout.error()).startsWith("timeout");
        assertThat(timeout.status()).isEqualTo(Delivery.PENDING);
        assertThat(Attempt.outcomeOf(timeout)).isEqualTo("timeout");

        AttemptRecord refused = failed(task(0, PayloadFormat.JSON), new RuntimeException(new ConnectException("Connection refused")));
        assertThat(refused.error()).startsWith("connection error");
        assertThat(Attempt.outcomeOf(refused)).isEqualTo("connection_error");

        AttemptRecord guarded = failed(task(0, PayloadFormat.JSON),
                new java.net.UnknownHostException(GuardedDnsResolver.REFUSED + "x resolves to a loopback address"));
        assertThat(guarded.error()).startsWith("refused");
        assertThat(Attempt.outcomeOf(guarded)).isEqualTo("refused");

        AttemptRecord other = failed(task(0, PayloadFormat.JSON), new IllegalStateException("x".repeat(2000)));
        assertThat(other.error()).hasSizeLessThanOrEqualTo(500);
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

    @Test
    void responseBodyIsCutAt64KiB() {
        AttemptRecord r = answered(task(0, PayloadFormat.JSON), 200, "z".repeat(100_000), Map.of());
        assertThat(r.responseBodyJson()).hasSize(Attempt.MAX_RESPONSE_BYTES + 2);
    }

    @Test
    void outcomesByStatusClass() {
        assertThat(Attempt.outcomeOf(answered(task(0, PayloadFormat.JSON), 200, "", Map.of()))).isEqualTo("2xx");
        assertThat(Attempt.outcomeOf(answered(task(0, PayloadFormat.JSON), 404, "", Map.of()))).isEqualTo("4xx");
        assertThat(Attempt.outcomeOf(answered(task(0, PayloadFormat.JSON), 502, "", Map.of()))).isEqualTo("5xx");
    }
}
