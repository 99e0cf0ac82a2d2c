package hukz.store;

/** A delivery about to be stored for a message just taken from NATS. */
public record NewDelivery(long webhookId, String messageId, String event, String payload) {
}
