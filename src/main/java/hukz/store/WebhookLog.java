package hukz.store;

import java.time.Instant;
import java.util.Map;

/** One attempt to deliver; {@code data} and {@code responseBody} are JSON text as stored. */
public record WebhookLog(long id, Instant createdAt, long createdById, String event, String url, int responseStatusCode,
                         String data, String responseBody, Map<String, String> tags, long webhookId, Long deliveryId,
                         String messageId, int attempt, int durationMs, String error) {
}
