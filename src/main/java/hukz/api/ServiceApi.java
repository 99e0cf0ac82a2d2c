package hukz.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import org.apache.camel.Exchange;

import javax.sql.DataSource;

/** Routes without X-User: ping, health, metrics. */
public final class ServiceApi {
    private final DataSource dataSource;
    private final Connection nats;
    private final PrometheusMeterRegistry registry;
    private final ApiRequest requests;

    public ServiceApi(DataSource dataSource, Connection nats, PrometheusMeterRegistry registry, ApiRequest requests) {
        this.dataSource = dataSource;
        this.nats = nats;
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
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            st.setQueryTimeout(2);
            st.execute("SELECT 1");
        } catch (Exception e) {
            errors.put("database", "unreachable");
        }
        if (nats.getStatus() != Connection.Status.CONNECTED) {
            errors.put("nats", String.valueOf(nats.getStatus()).toLowerCase());
        }
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
