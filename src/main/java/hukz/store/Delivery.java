package hukz.store;

import java.time.Instant;

/** One message to one webhook; {@code payload} is the JSON envelope, {@code attempts} how many were made. */
public record Delivery(long id, Instant createdAt, Instant updatedAt, long webhookId, String messageId, String event,
                       String payload, String status, int attempts, Instant nextAttemptAt, Integer lastStatusCode,
                       String lastError) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
}
