package hukz.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.store.DataAccessException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns any failure of an API route into the original's error body; internal details stay in the log. */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

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
