package hukz.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.health.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;

/** Routes without X-User: ping, health, metrics. */
public final class ServiceApi {
    private final Readiness readiness;
    private final PrometheusMeterRegistry registry;
    private final ApiRequest requests;

    public ServiceApi(Readiness readiness, PrometheusMeterRegistry registry, ApiRequest requests) {
        this.readiness = readiness;
        this.registry = registry;
        this.requests = requests;
    }

    public void ping(Exchange exchange) {
        ObjectNode body = Json.object();
        body.put("status", "ok");
        ApiResponses.write(exchange, 200, body);
    }

    public void alive(Exchange exchange) {
        ping(exchange);
    }

    public void ready(Exchange exchange) {
        ObjectNode errors = Json.object();
        // The HTTP server answers while Camel is still adding the other routes: not ready until all are up.
        if (!exchange.getContext().getStatus().isStarted()) {
            errors.put("service", "starting");
        }
        readiness.problems().forEach(errors::put);
        if (errors.isEmpty()) {
            ping(exchange);
        } else {
            ObjectNode body = Json.object();
            body.set("errors", errors);
            ApiResponses.write(exchange, 503, body);
        }
    }

    /** Prometheus text; behind the api token when one is set, as it tells about traffic. */
    public void metrics(Exchange exchange) {
        requests.authorize(exchange);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        exchange.getMessage().setBody(registry.scrape());
    }
}
