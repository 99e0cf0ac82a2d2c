package hukz.attempt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** What came back from one attempt's POST: the receiver's answer, or the failure that stood in for one. */
public sealed interface Reply {
    /**
     * The receiver answered {@code status}; {@code retryAfter} is its Retry-After header (null when absent),
     * {@code body} the response body as text, at most {@link Attempt#MAX_RESPONSE_BYTES} of it.
     */
    record Answer(int status, String retryAfter, String body) implements Reply {
        /** An answer whose body is cut at {@link Attempt#MAX_RESPONSE_BYTES} bytes and read as UTF-8. */
        public static Answer of(int status, String retryAfter, byte[] body) {
            byte[] kept = body.length > Attempt.MAX_RESPONSE_BYTES ? Arrays.copyOf(body, Attempt.MAX_RESPONSE_BYTES) : body;
            return new Answer(status, retryAfter, new String(kept, StandardCharsets.UTF_8));
        }
    }

    /** No answer: a timeout, a connection error, a refused address, a request that could not be built. */
    record Failure(Throwable cause) implements Reply {
    }
}
