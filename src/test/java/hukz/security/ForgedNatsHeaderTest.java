package hukz.security;

import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A publisher's own NATS headers cannot choose what hukz reads from the message: a header named like one of
 * camel-nats' ({@code CamelNatsSubject} in any case, {@code CamelNatsReplyTo}, ...) or any other {@code Camel*}
 * header changes neither the event a message is delivered as nor where it goes.
 */
class ForgedNatsHeaderTest {
    static TestHukz hukz;
    static Receiver realReceiver;
    static Receiver forgedReceiver;
    static final AtomicInteger round = new AtomicInteger();

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        realReceiver = new Receiver();
        forgedReceiver = new Receiver();
        hukz.api.createWebhook(realReceiver.url(), hukz.api.createEvent("forge.real.>"));
        hukz.api.createWebhook(forgedReceiver.url(), hukz.api.createEvent("billing.paid"));
    }

    @AfterAll
    static void stop() {
        hukz.close();
        realReceiver.close();
        forgedReceiver.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CamelNatsSubject", "camelnatssubject", "CAMELNATSSUBJECT", "camelNatsSubject",
            "CamelNatsReplyTo", "CamelNatsSID", "CamelNatsQueueName", "CamelHttpUri", "CamelHttpMethod", "CamelHttpPath"})
    void aCamelHeaderInTheMessageChangesNothing(String header) {
        String subject = "forge.real." + round.incrementAndGet();
        String forged = header.equalsIgnoreCase("CamelHttpUri") ? forgedReceiver.url("/stolen") : "billing.paid";
        int before = realReceiver.count();
        try (NatsPublisher nats = NatsPublisher.shared()) {
            nats.publish(subject, "{\"n\":1}".getBytes(StandardCharsets.UTF_8), header, forged);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> realReceiver.count() > before);
        Receiver.Request got = realReceiver.requests().get(realReceiver.requests().size() - 1);
        assertThat(got.body()).contains("\"event\":\"" + subject + "\"");
        assertThat(got.path()).isEqualTo("/hook");
        assertThat(got.method()).isEqualTo("POST");
        // Both webhooks' deliveries of one message are stored in one transaction, so had the forged one
        // matched it would be there by now.
        assertThat(forgedReceiver.count()).as("deliveries to the forged event's webhook").isZero();
    }
}
