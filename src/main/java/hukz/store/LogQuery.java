package hukz.store;

import java.time.Instant;

/** Filters of GET /webhooks/logs; null means no filter. {@code success} true keeps 2xx attempts, false the rest. */
public record LogQuery(ListQuery list, long userId, String event, Long webhookId, Boolean success, Instant since, Instant until) {
}
