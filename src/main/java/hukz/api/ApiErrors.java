package hukz.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.store.DataAccessException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Turns any failure of an API route into the original's error body; internal details stay in the log.
 * <p>
 * Some requests never reach a route: an unknown path (404), a method the path does not take (405), a body over
 * the server's own limit (413). The HTTP router answers those itself, in plain text or HTML; so, once Camel has
 * started, this bean gives the router error pages in the same shape. It is a {@link LifecycleStrategySupport}
 * because Camel Main hands every LifecycleStrategy bean in the registry the context's start.
 */
public final class ApiErrors extends LifecycleStrategySupport {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    private static final Map<Integer, String> ROUTER_ERRORS = Map.of(
            404, "Not found",
            405, "Method not allowed",
            413, "Request body too large");

    @Override
    public void onContextStarted(CamelContext context) {
        // The server's top router: the routes live in a sub-router whose error pages Vert.x never consults.
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server == null || server.getServer() == null || !(server.getServer().requestHandler() instanceof Router router)) {
            LOG.warn("no HTTP router found; unknown paths and oversized bodies are answered by Vert.x itself");
            return;
        }
        ROUTER_ERRORS.forEach((status, message) -> router.errorHandler(status, ctx -> routerError(ctx, status, message)));
    }

    private static void routerError(RoutingContext ctx, int status, String message) {
        if (ctx.response().headWritten()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Json.write(body(new ApiException(status, message, ""))));
    }

    public void toResponse(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException error;
        if (t instanceof ApiException api) {
            error = api;
        } else if (t instanceof DataAccessException db && db.isUniqueViolation()) {
            error = new ApiException(422, "Record already exists", "");
        } else if (t instanceof DataAccessException) {
            LOG.error("database error on {}: {}", exchange.getMessage().getHeader(Exchange.HTTP_PATH), t.getMessage());
            error = new ApiException(503, "Database unavailable", "");
        } else {
            LOG.error("unexpected error on {}", exchange.getMessage().getHeader(Exchange.HTTP_PATH), t);
            error = new ApiException(500, "Internal server error", "");
        }
        ApiResponses.write(exchange, error.status(), body(error));
    }

    public static ObjectNode body(ApiException e) {
        ObjectNode root = Json.object();
        ObjectNode item = root.putArray("errors").addObject();
        item.put("code", e.status());
        item.put("message", e.getMessage());
        item.put("source", e.source());
        return root;
    }
}
