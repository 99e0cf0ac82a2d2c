package hukz.store;

import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of one attempt and the delivery state it leads to: written as one webhook_logs row together
 * with the delivery's new state, in one transaction. {@code probe}: the attempt tested an open circuit.
 * {@code disableReason}: the retry policy disables the webhook for this reason once the row is committed
 * (null: it stays as it is).
 * <p>
 * {@code data} (the body sent) and {@code responseBodyJson} are JSON texts: the record route's batch (routes/
 * record.camel.yaml) carries them as JSON values, not as strings of JSON, so neither is escaped into the batch and
 * parsed twice by PostgreSQL. A text that is not JSON makes the batch's statement fail.
 */
public record AttemptRecord(long deliveryId, int attempt, String status, Instant nextAttemptAt,
                            long webhookId, long webhookCreatedById, String event, String url, @JsonRawValue String data,
                            int responseStatusCode, @JsonRawValue String responseBodyJson, Map<String, String> tags,
                            String messageId, long durationMs, String error, boolean probe, String disableReason) {
}
