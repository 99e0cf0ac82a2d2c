package hukz.dispatch;

import hukz.store.Delivery;
import hukz.store.Webhook;

/** What one attempt needs: the stored delivery and the webhook it goes to. */
public record DeliveryTask(Delivery delivery, Webhook webhook) {
}
