package hukz.dispatch;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds what one receiver can cost, in the HTTP client itself: the whole request (connect, headers,
 * body) is cut at {@code delivery_timeout} however slowly the receiver trickles, and at most
 * {@code maxBodyBytes} of a response body are read; the rest is never read, the connection is dropped.
 */
public final class ResponseLimits implements ExecChainHandler {
    public static final String TIMED_OUT = "whole-request timeout exceeded";
    private static final ScheduledExecutorService DEADLINES = deadlineScheduler();

    private final long timeoutMillis;
    private final int maxBodyBytes;

    public ResponseLimits(Duration timeout, int maxBodyBytes) {
        this.timeoutMillis = timeout.toMillis();
        this.maxBodyBytes = maxBodyBytes;
    }

    private static ScheduledExecutorService deadlineScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hukz-delivery-deadlines");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return Executors.unconfigurableScheduledExecutorService(scheduler);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            expired.set(true);
            scope.execRuntime.discardEndpoint();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        ClassicHttpResponse response;
        try {
            response = chain.proceed(request, scope);
        } catch (IOException | HttpException | RuntimeException e) {
            deadline.cancel(false);
            if (expired.get()) {
                throw new java.net.SocketTimeoutException(TIMED_OUT);
            }
            throw e;
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            deadline.cancel(false);
        } else {
            response.setEntity(new BoundedEntity(entity, maxBodyBytes, deadline, expired));
        }
        return response;
    }

    /** A response body of which at most {@code limit} bytes are ever read. */
    private static final class BoundedEntity extends HttpEntityWrapper {
        private final int limit;
        private final ScheduledFuture<?> deadline;
        private final AtomicBoolean expired;

        BoundedEntity(HttpEntity wrapped, int limit, ScheduledFuture<?> deadline, AtomicBoolean expired) {
            super(wrapped);
            this.limit = limit;
            this.deadline = deadline;
            this.expired = expired;
        }

        @Override
        public long getContentLength() {
            long length = super.getContentLength();
            return length >= 0 && length <= limit ? length : -1;
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public InputStream getContent() throws IOException {
            return new BoundedStream(super.getContent());
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                in.transferTo(out);
            }
        }

        private final class BoundedStream extends FilterInputStream {
            private long remaining = limit;
            private boolean ended;

            BoundedStream(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n;
                try {
                    n = in.read(b, off, (int) Math.min(len, remaining));
                } catch (IOException e) {
                    if (expired.get()) {
                        throw new java.net.SocketTimeoutException(TIMED_OUT);
                    }
                    throw e;
                }
                if (n < 0) {
                    ended = true;
                } else {
                    remaining -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                return super.skip(Math.min(n, Math.max(0, remaining)));
            }

            @Override
            public void close() throws IOException {
                deadline.cancel(false);
                if (!ended && in instanceof EofSensorInputStream sensor) {
                    // Do not drain what the receiver still has to send: drop the connection instead.
                    sensor.abort();
                } else {
                    in.close();
                }
            }
        }
    }
}
