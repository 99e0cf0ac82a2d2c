package hukz.health;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;

import java.util.List;
import java.util.stream.Stream;

/**
 * hukz's own health checks ({@link DatabaseCheck}, {@link NatsCheck}) as one repository. Bound as a bean, it is
 * found by Camel Main and registered in the context's health check registry, which gives it (and so its checks) the
 * CamelContext; beside it are Camel's context check and route checks (see {@link HealthReport}).
 */
public final class HukzHealthChecks implements HealthCheckRepository, CamelContextAware {
    private final List<HealthCheck> checks;
    private CamelContext context;
    private boolean enabled = true;

    public HukzHealthChecks(HealthCheck... checks) {
        this.checks = List.of(checks);
    }

    @Override
    public String getId() {
        return "hukz";
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
        checks.forEach(check -> CamelContextAware.trySetCamelContext(check, context));
    }

    @Override
    public Stream<HealthCheck> stream() {
        return enabled ? checks.stream() : Stream.empty();
    }
}
