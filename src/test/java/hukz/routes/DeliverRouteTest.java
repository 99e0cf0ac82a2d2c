package hukz.routes;

import hukz.attempt.AttemptExchange;
import hukz.attempt.DeliveryTask;
import hukz.ingest.Envelope;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import hukz.support.Receiver;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deliver route (with attempt and refill): a leased delivery becomes one signed POST to a real receiver, and its
 * outcome, decided by the retry policy, is handed to the record route with nothing else on the message.
 */
class DeliverRouteTest extends RouteTestSupport {
    private final Receiver receiver = new Receiver();

    @Override
    protected List<String> routeFiles() {
        return List.of("deliver.camel.yaml");
    }

    @AfterEach
    void closeReceiver() {
        receiver.close();
    }

    /** A delivery of a message on {@code event} to a new webhook at {@code url}, stored and leased as ingest leaves it. */
    private DeliveryTask leased(String event, String url, String payload) {
        String messageId = "msg_" + event.replace('.', '_');
        return StageFixture.create(db, event, url).leased(messageId, Envelope.build(messageId, event,
                payload.getBytes(StandardCharsets.UTF_8), Instant.now()));
    }

    private MockEndpoint recordStage() throws Exception {
        AdviceWith.adviceWith(context, "deliver", a -> a.weaveByToUri("seda:record*").replace().to("mock:record"));
        context.start();
        return getMockEndpoint("mock:record");
    }

    @Test
    void anAnsweredAttemptIsSignedAndItsOutcomeHandedToTheRecordStage() throws Exception {
        MockEndpoint record = recordStage();
        record.expectedMessageCount(1);
        DeliveryTask task = leased("deliver.ok", receiver.url(), "{\"title\":\"hello\"}");

        template.sendBody("direct:deliver", task);

        record.assertIsSatisfied(Duration.ofSeconds(15).toMillis());
        Exchange out = record.getReceivedExchanges().get(0);
        AttemptRecord r = out.getMessage().getBody(AttemptRecord.class);
        assertThat(r.deliveryId()).isEqualTo(task.delivery().id());
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(r.status()).isEqualTo(Delivery.DELIVERED);
        assertThat(r.responseStatusCode()).isEqualTo(200);
        assertThat(r.nextAttemptAt()).isNull();
        assertThat(out.getMessage().getHeaders()).containsOnlyKeys(AttemptExchange.REFILL);

        assertThat(receiver.requests()).hasSize(1);
        Receiver.Request sent = receiver.requests().get(0);
        assertThat(sent.header("webhook-id")).isEqualTo("msg_deliver_ok");
        // the body sent is the stored payload: the outcome leaves it to the record statement to read from the row
        assertThat(sent.body()).isEqualTo(task.delivery().payload());
        assertThat(r.data()).isNull();
        sent.verify(task.webhook().secret());
    }

    @Test
    void aRefusedAttemptIsRetriedWhenThePolicySays() throws Exception {
        receiver.always(req -> new Receiver.Answer(503, "busy", Map.of("Retry-After", "1"), Duration.ZERO));
        MockEndpoint record = recordStage();
        record.expectedMessageCount(1);
        DeliveryTask task = leased("deliver.busy", receiver.url(), "{}");
        Instant before = Instant.now();

        template.sendBody("direct:deliver", task);

        record.assertIsSatisfied(Duration.ofSeconds(15).toMillis());
        AttemptRecord r = record.getReceivedExchanges().get(0).getMessage().getBody(AttemptRecord.class);
        assertThat(r.status()).isEqualTo(Delivery.PENDING);
        assertThat(r.responseStatusCode()).isEqualTo(503);
        assertThat(r.error()).isEqualTo("HTTP 503");
        assertThat(r.responseBodyJson()).isEqualTo("\"busy\"");
        // the test retry_schedule's first step is 200 ms; Retry-After 1 s is within its cap of twice the step: 400 ms
        assertThat(r.nextAttemptAt()).isAfterOrEqualTo(before.plusMillis(400));
    }

    /**
     * A delivery's exchange can come with a caught exception of an earlier route in its properties (a split item of
     * a batch that ingest-errors handled, then stored one by one): the attempt reads only what its own POST left.
     */
    @Test
    void aCaughtExceptionCarriedInFromAnEarlierRouteIsNotTheAttemptsOutcome() throws Exception {
        MockEndpoint record = recordStage();
        record.expectedMessageCount(1);
        DeliveryTask task = leased("deliver.carried", receiver.url(), "{}");

        template.send("direct:deliver", e -> {
            e.getMessage().setBody(task);
            e.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalArgumentException("the batch's, handled long ago"));
        });

        record.assertIsSatisfied(Duration.ofSeconds(15).toMillis());
        AttemptRecord r = record.getReceivedExchanges().get(0).getMessage().getBody(AttemptRecord.class);
        assertThat(r.status()).isEqualTo(Delivery.DELIVERED);
        assertThat(r.error()).isNull();
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void aRefusedConnectionIsAnOutcomeRecordedLikeAnAnswer() throws Exception {
        MockEndpoint record = recordStage();
        record.expectedMessageCount(1);
        // a port nothing listens on: the connection is refused
        DeliveryTask task = leased("deliver.refused", "http://127.0.0.1:9/hook", "{}");

        Exchange done = template.send("direct:deliver", e -> e.getMessage().setBody(task));

        record.assertIsSatisfied(Duration.ofSeconds(15).toMillis());
        AttemptRecord r = record.getReceivedExchanges().get(0).getMessage().getBody(AttemptRecord.class);
        assertThat(r.status()).isEqualTo(Delivery.PENDING);
        assertThat(r.responseStatusCode()).isZero();
        assertThat(r.error()).containsIgnoringCase("refused");
        assertThat(done.getException()).as("routed on to the record stage, not failed").isNull();
    }
}
