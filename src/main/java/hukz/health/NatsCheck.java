package hukz.health;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness check {@code nats}: the client is connected and hukz is actually consuming (the core subscription is
 * active, or the JetStream durable consumer exists and is pulled; {@link Readiness#natsProblem}). Readiness
 * only: jnats reconnects and hukz remakes a lost consumer by itself, a restart would not do better.
 */
public final class NatsCheck extends AbstractHealthCheck {
    public static final String ID = "nats";
    private final Readiness readiness;

    public NatsCheck(Readiness readiness) {
        super("hukz", ID);
        this.readiness = readiness;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String problem = readiness.natsProblem();
        if (problem == null) {
            builder.up();
        } else {
            builder.down().message(problem);
        }
    }
}
