package hukz.attempt;

import com.standardwebhooks.Webhook;
import hukz.Version;
import hukz.ingest.Envelope;
import hukz.policy.RetryPolicy;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The attempt route's edge: the signed request onto the message for the HTTP step, and what that step left back. */
class AttemptExchangeTest {
    static CamelContext camel;
    /** The attempts the edge reported over; answers "deliveries wait for the slot" for every other one. */
    private final List<AttemptRecord> over = new java.util.ArrayList<>();
    private final AttemptExchange edge = new AttemptExchange(
            new Attempt(new RetryPolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), Duration.ofSeconds(30))),
            r -> {
                over.add(r);
                return over.size() % 2 == 0;
            });
    private final String secret = Signer.newSecret();

    @BeforeAll
    static void camel() {
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void close() throws Exception {
        camel.close();
    }

    private DeliveryTask task() {
        String envelope = Envelope.build("msg_abc", "post.created", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Instant.now());
        Delivery d = new Delivery(7, Instant.now(), Instant.now(), 3, "msg_abc", "post.created", envelope, Delivery.PENDING,
                0, null, null, null);
        hukz.store.Webhook w = new hukz.store.Webhook(3, Instant.now(), Instant.now(), 9, 9, "w", "http://receiver.example/hook", true,
                null, Map.of("team", "a"), null, secret, null, null, Map.of("X-Api-Key", "k"), PayloadFormat.JSON, List.of());
        return new DeliveryTask(d, w);
    }

    private Exchange prepared(DeliveryTask task) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader("CamelNatsSubject", "post.created");
        exchange.getMessage().setHeader("Nats-Msg-Id", "x");
        exchange.getMessage().setBody(task);
        edge.prepare(exchange);
        return exchange;
    }

    /** The message as the HTTP step leaves it after an answer. */
    private AttemptRecord answered(int status, Object body, Map<String, String> headers) {
        Exchange exchange = prepared(task());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        headers.forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setBody(body);
        return outcome(exchange);
    }

    @Test
    void preparesASignedPostWithOnlyTheRequestHeaders() throws Exception {
        DeliveryTask task = task();
        var m = prepared(task).getMessage();
        String body = new String(m.getBody(byte[].class), StandardCharsets.UTF_8);

        assertThat(m.getHeader(Exchange.HTTP_URI)).isEqualTo("http://receiver.example/hook");
        assertThat(m.getHeader(Exchange.HTTP_METHOD)).isEqualTo("POST");
        assertThat(m.getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(m.getHeader("User-Agent")).isEqualTo("hukz/" + Version.VERSION);
        assertThat(m.getHeader("X-Api-Key")).isEqualTo("k");
        assertThat(m.getHeader("webhook-id")).isEqualTo("msg_abc");
        assertThat(m.getHeaders()).containsOnlyKeys(Exchange.HTTP_URI, Exchange.HTTP_METHOD, "Content-Type", "User-Agent", "X-Api-Key",
                "webhook-id", "webhook-timestamp", "webhook-signature");
        assertThat(body).isEqualTo(task.delivery().payload());
        new Webhook(secret).verify(body, Map.of(
                "webhook-id", List.of(m.getHeader("webhook-id", String.class)),
                "webhook-timestamp", List.of(m.getHeader("webhook-timestamp", String.class)),
                "webhook-signature", List.of(m.getHeader("webhook-signature", String.class))));
    }

    @Test
    void readsTheStatusTheBodyAndRetryAfter() {
        Instant before = Instant.now();
        AttemptRecord r = answered(429, "slow down", Map.of("Retry-After", "60"));
        assertThat(r.responseStatusCode()).isEqualTo(429);
        assertThat(r.responseBodyJson()).isEqualTo("\"slow down\"");
        assertThat(r.status()).isEqualTo(Delivery.PENDING);
        // step 1 s, Retry-After 60 s: capped at 2 s
        assertThat(r.nextAttemptAt()).isAfterOrEqualTo(before.plusSeconds(2));
        // the stored payload was sent as it is: the log reads it from the delivery's row
        assertThat(r.data()).isNull();
    }

    @Test
    void aBodyOfAnyTypeIsCutAt64KiB() {
        byte[] big = "z".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        for (Object body : List.of(big, new String(big, StandardCharsets.UTF_8), new ByteArrayInputStream(big))) {
            assertThat(answered(200, body, Map.of()).responseBodyJson()).as(body.getClass().getSimpleName())
                    .hasSize(Attempt.MAX_RESPONSE_BYTES + 2);
        }
    }

    @Test
    void noBodyIsAnEmptyOne() {
        assertThat(answered(204, null, Map.of()).responseBodyJson()).isEqualTo("\"\"");
    }

    @Test
    void aCaughtFailureIsTheOutcome() {
        Exchange exchange = prepared(task());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new SocketTimeoutException("Read timed out"));
        AttemptRecord r = outcome(exchange);
        assertThat(r.responseStatusCode()).isZero();
        assertThat(r.error()).startsWith("timeout");
        assertThat(r.status()).isEqualTo(Delivery.PENDING);
    }

    @Test
    void anUncaughtFailureIsTheOutcomeAndNoLongerFailsTheExchange() {
        Exchange exchange = prepared(task());
        exchange.setException(new ConnectException("Connection refused"));
        AttemptRecord r = outcome(exchange);
        assertThat(r.error()).startsWith("connection error");
        assertThat(exchange.getException()).isNull();
    }

    /** The outcome step, and what it must always do: the record as the body, the attempt reported over once. */
    private AttemptRecord outcome(Exchange exchange) {
        int before = over.size();
        edge.outcome(exchange);
        AttemptRecord r = exchange.getMessage().getBody(AttemptRecord.class);
        assertThat(over).hasSize(before + 1).last().isSameAs(r);
        assertThat(exchange.getMessage().getHeaders()).containsOnlyKeys(AttemptExchange.REFILL);
        assertThat(exchange.getMessage().getHeader(AttemptExchange.REFILL, Boolean.class)).isEqualTo(over.size() % 2 == 0);
        return r;
    }
}
