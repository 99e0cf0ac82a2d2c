package hukz.attempt;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.LRUCacheFactory;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP step of every attempt: a non-blocking POST, so an attempt waiting on a receiver holds a socket and
 * a timer, not a thread. Hundreds of receivers that never answer cost no worker; the exchange continues
 * when the response (or the deadline) comes. One client for every delivery: its resolver refuses forbidden
 * addresses at connect time (the address checked is the address connected to), the whole request is cut at
 * {@code delivery_timeout}, at most {@code maxBodyBytes} of a body are read, redirects are not followed,
 * nothing is retried, no cookies are kept.
 */
public final class DeliveryHttp extends AsyncProcessorSupport {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryHttp.class);
    public static final String TIMED_OUT = "whole-request timeout exceeded";
    private static final ContentType JSON = ContentType.create("application/json", (java.nio.charset.Charset) null);

    private final CloseableHttpAsyncClient client;
    private final RequestConfig requestConfig;
    private final long timeoutMillis;
    private final int maxBodyBytes;
    private final HeaderFilterStrategy headers = new DeliveryHeaderFilter();
    private final ScheduledExecutorService deadlines;
    private final HostLookups lookups;
    /**
     * Each webhook's URL parsed once, not for every attempt (parsing was 1 % of hukz's CPU at s1): the most recently
     * used ones, in Camel's bounded LRU cache (a look-up costs what a ConcurrentHashMap's does, ~8 ns under C1).
     */
    static final int MAX_URIS = 10_000;
    private final Map<String, URI> uris = LRUCacheFactory.newLRUCache(MAX_URIS);

    public DeliveryHttp(UrlGuard guard, Duration timeout, int maxBodyBytes, int maxPerWebhook) {
        this(guard, timeout, maxBodyBytes, maxPerWebhook, new HostLookups());
    }

    DeliveryHttp(UrlGuard guard, Duration timeout, int maxBodyBytes, int maxPerWebhook, HostLookups lookups) {
        this.lookups = lookups;
        this.timeoutMillis = timeout.toMillis();
        this.maxBodyBytes = maxBodyBytes;
        Timeout connect = Timeout.ofMilliseconds(Math.min(5000, timeoutMillis));
        Timeout whole = Timeout.ofMilliseconds(timeoutMillis);
        // The minimal client: one request on one pooled connection, nothing around it. What the full client adds
        // (redirects, retries, cookies, authentication: a chain of exec handlers and callbacks per request) hukz never
        // wants; without it hukz's CPU per delivery fell by a tenth (bench s1 0.152 -> 0.137 ms, s2 0.123 -> 0.110).
        // It takes the lease and response timeouts from each request's context (requestConfig), not from a default.
        this.client = HttpAsyncClients.createMinimal(HttpVersionPolicy.FORCE_HTTP_1, H2Config.DEFAULT, Http1Config.DEFAULT,
                IOReactorConfig.custom().setIoThreadCount(2).setSoTimeout(whole).build(),
                PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(guard, lookups))
                        .setMaxConnTotal(Math.max(4096, maxPerWebhook * 4))
                        .setMaxConnPerRoute(maxPerWebhook)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(whole).build())
                        .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                        .build());
        this.requestConfig = RequestConfig.custom().setConnectionRequestTimeout(whole).setResponseTimeout(whole).build();
        client.start();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemon("hukz-delivery-deadlines"));
        scheduler.setRemoveOnCancelPolicy(true);
        // A tick that does nothing, due more often than the timeout: it is always the first task due, so an attempt's
        // deadline never is when scheduled. The scheduler's thread is woken when a new first task is added — that
        // was once per attempt whenever none was in flight (every attempt at a moderate rate: the bench's s3), a
        // futex call on the thread sending it and a wake-up of this one. Now it wakes once per tick.
        long tick = Math.max(1, Math.min(1000, timeoutMillis / 2));
        scheduler.scheduleAtFixedRate(() -> { }, 0, tick, TimeUnit.MILLISECONDS);
        this.deadlines = scheduler;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Sends the exchange's body as the POST to {@code CamelHttpUri} with its non-Camel headers; when routing goes
     * on (on the client's I/O thread, or the deadline's) the message holds the status
     * ({@code CamelHttpResponseCode}), the response headers and at most {@code maxBodyBytes} of the body, or the
     * exchange holds the failure as a caught exception (property {@code CamelExceptionCaught}), never as the
     * exchange's exception: a failed attempt is routed on like an answer. A host whose DNS answer is not at hand is
     * looked up first on the lookup pool (see {@link HostLookups}), and the request is sent from there.
     */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message m = exchange.getMessage();
        AsyncRequestBuilder request;
        String host;
        try {
            URI uri = uri(m.getHeader(Exchange.HTTP_URI, String.class));
            host = uri.getHost();
            request = AsyncRequestBuilder.post(uri);
            for (Map.Entry<String, Object> h : m.getHeaders().entrySet()) {
                if (h.getValue() != null && !h.getKey().equalsIgnoreCase(Exchange.CONTENT_TYPE)
                        && !headers.applyFilterToCamelHeaders(h.getKey(), h.getValue(), exchange)) {
                    request.addHeader(h.getKey(), String.valueOf(h.getValue()));
                }
            }
            request.setEntity(AsyncEntityProducers.create(m.getBody(byte[].class), JSON));
        } catch (RuntimeException e) {
            leaveFailure(exchange, e);
            callback.done(true);
            return true;
        }
        AsyncRequestProducer producer = request.build();
        if (host == null || lookups.known(host)) {
            send(producer, exchange, callback);
        } else {
            try {
                lookups.lookUpThen(host, () -> send(producer, exchange, callback));
            } catch (RuntimeException e) {
                // the lookup pool is closed: hukz is stopping
                leaveFailure(exchange, e);
                callback.done(false);
            }
        }
        return false;
    }

    /** The URL parsed, from the cache when it has been seen; a URL that does not parse is never kept. */
    URI uri(String url) {
        URI uri = uris.get(url);
        if (uri == null) {
            uri = URI.create(url);
            uris.put(url, uri);
        }
        return uri;
    }

    int cachedUris() {
        return uris.size();
    }

    /** Hands the request to the client; a client that refuses it (closed at shutdown) fails the attempt at once. */
    private void send(AsyncRequestProducer request, Exchange exchange, AsyncCallback callback) {
        try {
            execute(request, exchange, callback);
        } catch (RuntimeException e) {
            leaveFailure(exchange, e);
            callback.done(false);
        }
    }

    private void execute(AsyncRequestProducer request, Exchange exchange, AsyncCallback callback) {
        BoundedResponseConsumer consumer = new BoundedResponseConsumer(maxBodyBytes);
        AtomicBoolean expired = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        Attempted attempted = new Attempted(exchange, callback, consumer, expired, finished);
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(requestConfig);
        Future<DeliveryResponse> future = client.execute(request, consumer, null, context, attempted);
        attempted.deadline = deadlines.schedule(() -> {
            expired.set(true);
            future.cancel(true);
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        if (finished.get()) {
            attempted.deadline.cancel(false);
        }
    }

    /**
     * Puts the response or the failure on the exchange and lets routing continue, exactly once, on the thread that
     * finished the request: the client's I/O thread (or the deadline's). What follows on it (the outcome, handing it
     * to seda:record) neither blocks nor touches the database, except that a full seda:record holds it back.
     */
    private final class Attempted implements FutureCallback<DeliveryResponse> {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final BoundedResponseConsumer consumer;
        private final AtomicBoolean expired;
        private final AtomicBoolean finished;
        volatile ScheduledFuture<?> deadline;

        Attempted(Exchange exchange, AsyncCallback callback, BoundedResponseConsumer consumer, AtomicBoolean expired,
                  AtomicBoolean finished) {
            this.exchange = exchange;
            this.callback = callback;
            this.consumer = consumer;
            this.expired = expired;
            this.finished = finished;
        }

        @Override
        public void completed(DeliveryResponse response) {
            finish(response, null);
        }

        @Override
        public void failed(Exception cause) {
            DeliveryResponse kept = consumer.truncated();
            if (kept != null) {
                finish(kept, null);
            } else {
                finish(null, expired.get() ? new SocketTimeoutException(TIMED_OUT) : cause);
            }
        }

        @Override
        public void cancelled() {
            finish(null, new SocketTimeoutException(TIMED_OUT));
        }

        private void finish(DeliveryResponse response, Exception failure) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
            Message m = exchange.getMessage();
            m.removeHeaders("*");
            if (failure != null) {
                leaveFailure(exchange, failure);
            } else {
                for (Header h : response.headers()) {
                    if (!headers.applyFilterToExternalHeaders(h.getName(), h.getValue(), exchange)) {
                        m.setHeader(h.getName(), h.getValue());
                    }
                }
                m.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
                m.setBody(response.body());
            }
            callback.done(false);
        }
    }

    /**
     * A receiver's failure (refused, reset, timed out; or a request that could not be made) is an outcome like an
     * answer: it is left where a {@code doTry} would have left what it caught, and routing goes on to the outcome.
     */
    private static void leaveFailure(Exchange exchange, Exception failure) {
        LOG.debug("attempt failed: {}", failure.toString());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
    }

    /** Closes the client's sockets and threads; called once at shutdown, after the routes have stopped. */
    public void close() {
        client.close(CloseMode.GRACEFUL);
        deadlines.shutdownNow();
        lookups.close();
    }
}
