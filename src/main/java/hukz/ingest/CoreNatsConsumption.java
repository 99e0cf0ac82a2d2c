package hukz.ingest;

import hukz.config.DispatchLifecycle;
import hukz.health.Consumption;
import io.nats.client.Connection;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.nats.NatsConsumer;

/**
 * Core NATS consumes while the {@code ingest-nats} route runs with an active subscription on a connected
 * client; jnats itself re-subscribes after a reconnect.
 */
public final class CoreNatsConsumption implements Consumption {
    private final Connection connection;
    private volatile CamelContext context;

    public CoreNatsConsumption(Connection connection) {
        this.connection = connection;
    }

    /** Once the routes are up (from {@link DispatchLifecycle}). */
    public void start(CamelContext context) {
        this.context = context;
    }

    @Override
    public String problem() {
        CamelContext c = context;
        if (c == null) {
            return "starting";
        }
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            return String.valueOf(connection.getStatus()).toLowerCase();
        }
        Route route = c.getRoute(DispatchLifecycle.CORE_NATS_ROUTE);
        if (route == null || !c.getRouteController().getRouteStatus(route.getId()).isStarted()
                || !(route.getConsumer() instanceof NatsConsumer consumer) || !consumer.isActive()) {
            return "not subscribed";
        }
        return null;
    }
}
