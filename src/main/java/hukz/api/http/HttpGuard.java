package hukz.api.http;

import hukz.Json;
import hukz.api.ApiErrors;
import hukz.api.ApiException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the API server checks before a request reaches a route, so that no unauthenticated or oversized body
 * is ever read into memory:
 * <ul>
 * <li>form and multipart bodies are refused (415): platform-http would turn their fields into message
 *     headers, where they could stand in for path parameters such as {@code {id}};</li>
 * <li>with an api token set, a request carrying a body without the token is refused (401) unread;</li>
 * <li>a {@code Content-Length} over the 1 MiB limit is refused (413) unread (chunked bodies are cut at the
 *     same limit by the body handler, {@code camel.server.max-body-size});</li>
 * <li>the bodies being read at once share a memory budget; past it a request is refused (503, Retry-After);</li>
 * <li>a request's headers, and its body, must arrive within {@link HttpLimits#requestTimeout()}, and an idle
 *     connection is closed after the same time; one address holds at most so many connections.</li>
 * </ul>
 * Malformed requests (a request line or headers too long) are answered in the error shape too.
 */
public final class HttpGuard {
    /** What a refused request may still send, and for how long, before its connection closes. */
    private static final long DISCARD_BYTES = 16L * 1024 * 1024;
    private static final long DISCARD_MILLIS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);

    private final HttpLimits limits;
    private final byte[] apiToken;
    private final AtomicLong bodyMemoryLeft;
    private final Map<String, AtomicInteger> connectionsByAddress = new ConcurrentHashMap<>();
    private final Map<HttpConnection, ConnectionState> connections = new ConcurrentHashMap<>();

    public HttpGuard(HttpLimits limits, String apiToken) {
        this.limits = limits;
        this.apiToken = apiToken == null ? new byte[0] : apiToken.getBytes(StandardCharsets.UTF_8);
        this.bodyMemoryLeft = new AtomicLong(limits.bodyMemoryBytes());
    }

    public HttpLimits limits() {
        return limits;
    }

    /**
     * Server options: no cleartext HTTP/2, so a connection carries one request at a time and the timers below
     * hold. (No idle timeout here: it would also cut a request whose answer takes long, such as a test delivery.)
     */
    HttpServerOptions configure(HttpServerOptions options) {
        return options.setHttp2ClearTextEnabled(false);
    }

    /** Runs first on the server's top router, before the routes and their body handler. */
    void install(Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::onRequest);
    }

    private static final class ConnectionState {
        final String address;
        int activeRequests;
        long timer = -1;

        ConnectionState(String address) {
            this.address = address;
        }
    }

    void onConnection(HttpConnection connection) {
        String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
        AtomicInteger count = connectionsByAddress.computeIfAbsent(address, a -> new AtomicInteger());
        ConnectionState state = new ConnectionState(address);
        connections.put(connection, state);
        connection.closeHandler(v -> {
            connections.remove(connection);
            cancelTimer(state);
            if (count.decrementAndGet() <= 0) {
                connectionsByAddress.remove(address, count);
            }
        });
        if (count.incrementAndGet() > limits.maxConnectionsPerAddress()) {
            LOG.warn("closed a connection from {}: over {} connections from one address", address, limits.maxConnectionsPerAddress());
            connection.close();
            return;
        }
        awaitRequest(connection, state);
    }

    /** The next request's headers must arrive within the bound. */
    private void awaitRequest(HttpConnection connection, ConnectionState state) {
        cancelTimer(state);
        state.timer = Vertx.currentContext() == null ? -1
                : Vertx.currentContext().owner().setTimer(limits.requestTimeout().toMillis(), id -> {
                    if (state.activeRequests == 0) {
                        connection.close();
                    }
                });
    }

    private static void cancelTimer(ConnectionState state) {
        if (state.timer >= 0 && Vertx.currentContext() != null) {
            Vertx.currentContext().owner().cancelTimer(state.timer);
        }
        state.timer = -1;
    }

    void onInvalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
        ApiException error;
        if (cause instanceof TooLongFrameException && String.valueOf(cause.getMessage()).startsWith("An HTTP line is larger than")) {
            error = new ApiException(414, "Request URI too long", "");
        } else if (cause instanceof TooLongFrameException && String.valueOf(cause.getMessage()).startsWith("HTTP header is larger than")) {
            error = new ApiException(431, "Request header fields too large", "");
        } else {
            error = new ApiException(400, "Malformed request", "");
        }
        refuse(request, error, false);
    }

    private void onRequest(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpConnection connection = request.connection();
        ConnectionState state = connections.get(connection);
        if (state != null) {
            cancelTimer(state);
            state.activeRequests++;
        }
        long bodyTimer = request.isEnded() ? -1 : ctx.vertx().setTimer(limits.requestTimeout().toMillis(), id -> {
            if (!request.isEnded()) {
                LOG.warn("closed a connection from {}: request body not received within {} ms",
                        state == null ? "unknown" : state.address, limits.requestTimeout().toMillis());
                connection.close();
            }
        });
        long[] reserved = {0};
        ctx.addEndHandler(done -> {
            if (bodyTimer >= 0) {
                ctx.vertx().cancelTimer(bodyTimer);
            }
            bodyMemoryLeft.addAndGet(reserved[0]);
            reserved[0] = 0;
            if (state != null && --state.activeRequests == 0) {
                awaitRequest(connection, state);
            }
        });

        ApiException refusal = refusal(request);
        if (refusal == null && hasBody(request)) {
            long size = contentLength(request);
            long need = size >= 0 ? size : limits.maxBodyBytes();
            if (bodyMemoryLeft.addAndGet(-need) < 0) {
                bodyMemoryLeft.addAndGet(need);
                ctx.response().putHeader("Retry-After", "1");
                refusal = new ApiException(503, "Server busy: too many request bodies at once", "");
            } else {
                reserved[0] = need;
            }
        }
        if (refusal != null) {
            refuse(request, refusal, true);
            return;
        }
        ctx.next();
    }

    /** Why the request is refused before its body is read, or null. */
    private ApiException refusal(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            String t = type.trim().toLowerCase(Locale.ROOT);
            if (t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/")) {
                return new ApiException(415, "Unsupported media type: the API takes application/json", "Content-Type");
            }
        }
        if (hasBody(request) && apiToken.length > 0 && !authorized(request)) {
            return ApiException.unauthorized();
        }
        if (contentLength(request) > limits.maxBodyBytes()) {
            return new ApiException(413, "Request body too large", "");
        }
        return null;
    }

    private boolean authorized(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), apiToken);
    }

    private static boolean hasBody(HttpServerRequest request) {
        return contentLength(request) > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** The declared length, or -1 when none (or not a number; Vert.x refuses those before here). */
    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Answers in the error shape; a body not yet read is never kept. With {@code discard}, what the client still sends
     * of it is read and dropped (at most {@link #DISCARD_BYTES}, for at most {@link #DISCARD_MILLIS}) before the
     * connection closes: a client that writes its whole body before reading (most do) would otherwise see the
     * connection reset instead of the answer. Dropped bytes cost no memory.
     */
    private static void refuse(HttpServerRequest request, ApiException error, boolean discard) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        boolean unread = !request.isEnded();
        response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (unread) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end(Json.write(ApiErrors.body(error))).onComplete(done -> {
            if (!unread) {
                return;
            }
            if (discard && Vertx.currentContext() != null) {
                discardThenClose(request, Vertx.currentContext().owner());
            } else {
                request.connection().close();
            }
        });
    }

    private static void discardThenClose(HttpServerRequest request, Vertx vertx) {
        HttpConnection connection = request.connection();
        long timer = vertx.setTimer(DISCARD_MILLIS, id -> connection.close());
        long[] left = {DISCARD_BYTES};
        Runnable close = () -> {
            vertx.cancelTimer(timer);
            connection.close();
        };
        try {
            request.handler(chunk -> {
                left[0] -= chunk.length();
                if (left[0] < 0) {
                    close.run();
                }
            });
            request.endHandler(v -> close.run());
            request.exceptionHandler(e -> close.run());
            request.resume();
        } catch (IllegalStateException alreadyRead) {
            close.run();
        }
    }
}
