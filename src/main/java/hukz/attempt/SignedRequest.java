package hukz.attempt;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SortedMap;

/**
 * One attempt's POST as it goes out: the receiver's URL, every header sent (the webhook's own, then
 * Content-Type, User-Agent and the Standard Webhooks headers, in a map that ignores case as HTTP does, so a
 * header set twice is sent once), the body and the {@code webhook-timestamp} it was signed with.
 */
public record SignedRequest(String url, SortedMap<String, String> headers, String body, long timestamp) {
    public SignedRequest {
        headers = Collections.unmodifiableSortedMap(headers);
    }

    /** The body as sent: UTF-8. */
    public byte[] bodyBytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
