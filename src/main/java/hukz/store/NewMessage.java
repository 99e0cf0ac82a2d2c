package hukz.store;

import java.util.List;

/**
 * A message about to be stored: one delivery per webhook, all with the same envelope. {@code dedup} says
 * the id came from Nats-Msg-Id, so a second sighting within 24 hours must store nothing.
 */
public record NewMessage(String messageId, boolean dedup, String event, String payload, List<Webhook> webhooks) {
}
