package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Writes a JSON answer: status, content type, body, and no request headers echoed back. */
public final class ApiResponses {
    private ApiResponses() {
    }

    public static void write(Exchange exchange, int status, JsonNode body) {
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(Json.write(body));
    }
}
