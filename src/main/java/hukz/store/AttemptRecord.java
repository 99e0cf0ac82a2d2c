package hukz.store;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of one attempt and the delivery state it leads to: written as one webhook_logs row together
 * with the delivery's new state, in one transaction. {@code probe}: the attempt tested an open circuit.
 * {@code disableReason}: the retry policy disables the webhook for this reason once the row is committed
 * (null: it stays as it is). {@code data}: the body sent, or null when it is the delivery's payload as stored (the
 * record statement then reads it from the delivery's row).
 */
public record AttemptRecord(long deliveryId, int attempt, String status, Instant nextAttemptAt,
                            long webhookId, long webhookCreatedById, String event, String url, String data,
                            int responseStatusCode, String responseBodyJson, Map<String, String> tags,
                            String messageId, long durationMs, String error, boolean probe, String disableReason) {
}
