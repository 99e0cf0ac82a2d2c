package hukz.routes;

import hukz.attempt.DeliveryTask;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.EventStore;
import hukz.store.NewMessage;
import hukz.store.Webhook;
import hukz.store.WebhookFields;
import hukz.store.WebhookStore;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The retry route: due deliveries in PostgreSQL are leased and handed to the delivery queue. */
class RetryRouteTest extends RouteTestSupport {
    @Override
    protected List<String> routeFiles() {
        // the record route commits what the retry route decides without an attempt (deliveries of disabled webhooks)
        return List.of("retry.camel.yaml", "record.camel.yaml");
    }

    @Test
    void dueDeliveriesGoToTheDeliveryQueueOnceEach() throws Exception {
        AdviceWith.adviceWith(context, "retry", a -> a.weaveByToUri("direct:deliver").replace().to("mock:deliver"));
        context.start();
        Fixture f = Fixture.create(db, "retry.due");
        List<Delivery> stored = f.storeDue(3);
        MockEndpoint deliver = getMockEndpoint("mock:deliver");
        deliver.expectedMessageCount(3);
        deliver.assertIsSatisfied(Duration.ofSeconds(15).toMillis());
        List<Long> handed = deliver.getReceivedExchanges().stream()
                .map(e -> e.getMessage().getBody(DeliveryTask.class).delivery().id()).toList();
        assertThat(handed).containsExactlyInAnyOrderElementsOf(stored.stream().map(Delivery::id).toList());
        // leased now: the next polls do not hand them again
        deliver.setAssertPeriod(1000);
        deliver.assertIsSatisfied();
    }

    @Test
    void aDueDeliveryOfADisabledWebhookFailsWithoutAnAttempt() throws Exception {
        AdviceWith.adviceWith(context, "retry", a -> a.weaveByToUri("direct:deliver").replace().to("mock:deliver"));
        context.start();
        Fixture f = Fixture.create(db, "retry.disabled");
        Delivery d = f.storeDue(1).get(0);
        f.webhooks().disable(f.webhook().id(), "test");
        DeliveryStore deliveries = new DeliveryStore(db);
        await().atMost(Duration.ofSeconds(15)).until(() -> Delivery.FAILED.equals(deliveries.find(d.id()).orElseThrow().status()));
        assertThat(getMockEndpoint("mock:deliver").getReceivedCounter()).isZero();
    }

    /** An event, a webhook on it, and deliveries stored due (waiting in the database, as flow control leaves them). */
    record Fixture(WebhookStore webhooks, DeliveryStore deliveries, Webhook webhook, String event) {
        static Fixture create(hukz.store.Db db, String event) {
            EventStore events = new EventStore(db);
            WebhookStore webhooks = new WebhookStore(db, events);
            long eventId = events.create(1, event, event, Map.of()).id();
            Webhook w = webhooks.create(1, new WebhookFields("route test", "http://127.0.0.1:9/hook", true, List.of(eventId),
                    Map.of(), null, "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]), Map.of(), "json", null, 16));
            return new Fixture(webhooks, new DeliveryStore(db), w, event);
        }

        List<Delivery> storeDue(int n) {
            List<NewMessage> messages = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                messages.add(new NewMessage("msg_route_" + event + "_" + i, false, event, "{\"n\":" + i + "}", List.of(webhook)));
            }
            deliveries.storeMessages(messages, Instant.now(), Map.of(webhook.id(), 0));
            return deliveries.list(new hukz.store.ListQuery(1, 100, List.of()), webhook.id(), null, null, null).nodes();
        }
    }
}
