package hukz.attempt;

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads a response and at most {@code limit} bytes of its body. Past the limit it stops reading by failing
 * the exchange, which makes the client drop the connection instead of draining what the receiver still
 * sends; {@link #truncated()} then holds the response with the part of the body that was kept.
 */
final class BoundedResponseConsumer implements AsyncResponseConsumer<DeliveryResponse> {
    /** Thrown to stop reading once the body limit is reached; never reported as the attempt's failure. */
    static final class LimitReached extends IOException {
        LimitReached() {
            super("response body limit reached", null);
        }
    }

    private final int limit;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private volatile HttpResponse response;
    private volatile FutureCallback<DeliveryResponse> result;
    private volatile DeliveryResponse truncated;

    BoundedResponseConsumer(int limit) {
        this.limit = limit;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                FutureCallback<DeliveryResponse> resultCallback) {
        this.response = response;
        this.result = resultCallback;
        if (entity == null) {
            resultCallback.completed(build());
        }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // 1xx answers carry nothing an attempt keeps
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        capacityChannel.update(limit + 1);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        int room = limit - body.size();
        int n = Math.min(room, src.remaining());
        byte[] chunk = new byte[n];
        src.get(chunk);
        body.write(chunk, 0, n);
        if (src.hasRemaining()) {
            truncated = build();
            throw new LimitReached();
        }
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        FutureCallback<DeliveryResponse> callback = result;
        if (callback != null) {
            callback.completed(build());
        }
    }

    @Override
    public void failed(Exception cause) {
        FutureCallback<DeliveryResponse> callback = result;
        if (callback != null) {
            callback.failed(cause);
        }
    }

    @Override
    public void releaseResources() {
        // the body is a plain byte array
    }

    /** The response with the first {@code limit} bytes of its body, when reading stopped at the limit. */
    DeliveryResponse truncated() {
        return truncated;
    }

    private DeliveryResponse build() {
        return new DeliveryResponse(response.getCode(), response.getHeaders(), body.toByteArray());
    }
}
