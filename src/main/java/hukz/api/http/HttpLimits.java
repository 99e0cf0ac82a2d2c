package hukz.api.http;

import hukz.api.ApiRequest;

import java.time.Duration;

/**
 * What the API's HTTP server lets one client take: how long a request's headers or body may take to arrive,
 * how many connections one address may hold, and how much memory all request bodies being read may take
 * together. Not user settings: the defaults suit every deployment, and tests shorten them through system
 * properties ({@code hukz.http.request-timeout-millis}, {@code hukz.http.max-connections-per-address},
 * {@code hukz.http.body-memory-bytes}).
 */
public record HttpLimits(Duration requestTimeout, int maxConnectionsPerAddress, long bodyMemoryBytes, int maxBodyBytes) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 128;

    public static HttpLimits fromSystemProperties() {
        long timeoutMillis = Long.getLong("hukz.http.request-timeout-millis", DEFAULT_REQUEST_TIMEOUT.toMillis());
        int perAddress = Integer.getInteger("hukz.http.max-connections-per-address", DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
        // A sixteenth of the heap: a body is held as bytes, then as a buffer and a copy while it is parsed.
        long memory = Long.getLong("hukz.http.body-memory-bytes", Math.max(4L * ApiRequest.MAX_BODY_BYTES, Runtime.getRuntime().maxMemory() / 16));
        return new HttpLimits(Duration.ofMillis(timeoutMillis), perAddress, memory, ApiRequest.MAX_BODY_BYTES);
    }
}
