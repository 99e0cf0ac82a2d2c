package hukz.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.health.HealthReport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;

import java.util.Map;

/** Routes without X-User: ping, health (from Camel's health checks, see HealthReport), metrics. */
public final class ServiceApi {
    private final PrometheusMeterRegistry registry;
    private final ApiRequest requests;

    public ServiceApi(PrometheusMeterRegistry registry, ApiRequest requests) {
        this.registry = registry;
        this.requests = requests;
    }

    public void ping(Exchange exchange) {
        ObjectNode body = Json.object();
        body.put("status", "ok");
        ApiResponses.write(exchange, 200, body);
    }

    public void alive(Exchange exchange) {
        answer(exchange, HealthReport.livenessProblems(exchange.getContext()));
    }

    public void ready(Exchange exchange) {
        answer(exchange, HealthReport.readinessProblems(exchange.getContext()));
    }

    /** 200 {"status":"ok"} while nothing is down, else 503 {"errors":{part: reason}}. */
    private void answer(Exchange exchange, Map<String, String> problems) {
        if (problems.isEmpty()) {
            ping(exchange);
            return;
        }
        ObjectNode errors = Json.object();
        problems.forEach(errors::put);
        ObjectNode body = Json.object();
        body.set("errors", errors);
        ApiResponses.write(exchange, 503, body);
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
