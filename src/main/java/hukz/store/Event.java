package hukz.store;

import java.time.Instant;
import java.util.Map;

/** An event type a webhook can subscribe to: a NATS subject, possibly with wildcards. */
public record Event(long id, Instant createdAt, Instant updatedAt, long createdById, long updatedById,
                    String name, String event, Map<String, String> tags) {
}
