package hukz.store;

import java.util.List;
import java.util.Map;

/**
 * What a user sets on a webhook (create or replace). A null {@code secret} keeps the current one on replace; a null
 * {@code rateLimit} means none.
 */
public record WebhookFields(String name, String url, boolean enabled, List<Long> eventIds, Map<String, String> tags,
                            String spaceId, String secret, Map<String, String> headers, String format,
                            Integer rateLimit, int maxInFlight) {
}
