package hukz.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Routes without X-User: ping, health, metrics. */
public final class ServiceApi {
    static final Duration READY_BUDGET = Duration.ofSeconds(2);
    private static final ExecutorService CHECKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hukz-ready-check");
        t.setDaemon(true);
        return t;
    });
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
        // The HTTP server answers while Camel is still adding the other routes: not ready until all are up.
        if (!exchange.getContext().getStatus().isStarted()) {
            errors.put("service", "starting");
        }
        String database = databaseProblem();
        if (database != null) {
            errors.put("database", database);
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

    /**
     * Null when the database answers {@code SELECT 1} within {@link #READY_BUDGET}. The pool would wait its whole
     * connection timeout for a database that is gone, longer than any probe waits for its answer.
     */
    private String databaseProblem() {
        CompletableFuture<Void> check = CompletableFuture.runAsync(() -> {
            try (var c = dataSource.getConnection(); var st = c.createStatement()) {
                st.setQueryTimeout((int) READY_BUDGET.toSeconds());
                st.execute("SELECT 1");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, CHECKS);
        try {
            check.get(READY_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "no answer within " + READY_BUDGET.toSeconds() + "s";
        } catch (ExecutionException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable";
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
