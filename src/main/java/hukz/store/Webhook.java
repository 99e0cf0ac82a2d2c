package hukz.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A receiver URL subscribed to events. {@code secret} and {@code previousSecret} never leave the service. */
public record Webhook(long id, Instant createdAt, Instant updatedAt, long createdById, long updatedById,
                      String name, String url, boolean enabled, String disabledReason, Map<String, String> tags,
                      String spaceId, String secret, String previousSecret, Instant previousSecretUntil,
                      Map<String, String> headers, String format, List<Event> events, Integer rateLimit, int maxInFlight) {
    /** Without flow limits: no rate limit, {@link #DEFAULT_MAX_IN_FLIGHT} at once. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 16;

    public Webhook(long id, Instant createdAt, Instant updatedAt, long createdById, long updatedById,
                   String name, String url, boolean enabled, String disabledReason, Map<String, String> tags,
                   String spaceId, String secret, String previousSecret, Instant previousSecretUntil,
                   Map<String, String> headers, String format, List<Event> events) {
        this(id, createdAt, updatedAt, createdById, updatedById, name, url, enabled, disabledReason, tags, spaceId, secret,
                previousSecret, previousSecretUntil, headers, format, events, null, DEFAULT_MAX_IN_FLIGHT);
    }

    public Webhook withEvents(List<Event> list) {
        return new Webhook(id, createdAt, updatedAt, createdById, updatedById, name, url, enabled, disabledReason, tags,
                spaceId, secret, previousSecret, previousSecretUntil, headers, format, list, rateLimit, maxInFlight);
    }

    /** The secrets that sign a request now: the current one, and the previous one while its grace period lasts. */
    public List<String> signingSecrets(Instant now) {
        if (previousSecret != null && previousSecretUntil != null && now.isBefore(previousSecretUntil)) {
            return List.of(secret, previousSecret);
        }
        return List.of(secret);
    }
}
