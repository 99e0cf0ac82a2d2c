package hukz.attempt;

import hukz.store.Delivery;
import hukz.store.Webhook;

/**
 * What one attempt needs: the stored delivery and the webhook it goes to. A {@code probe} is the one attempt
 * that tests an open circuit.
 */
public record DeliveryTask(Delivery delivery, Webhook webhook, boolean probe) {
    public DeliveryTask(Delivery delivery, Webhook webhook) {
        this(delivery, webhook, false);
    }
}
