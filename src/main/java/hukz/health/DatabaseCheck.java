package hukz.health;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Readiness check {@code database}: PostgreSQL answers {@code SELECT 1} within two seconds
 * ({@link Readiness#databaseProblem}). Readiness only: hukz waits an outage out, a restart would not bring the
 * database back.
 * <p>
 * The query runs on a thread pool of the Camel context's {@code ExecutorServiceManager}, not on the caller's
 * thread with the pool's timeouts shortened: those timeouts (connection 10 s, login, validation) are the whole
 * application's, and shortening them would fail ingest and the recorder during a short hiccup; and even 2 s ones
 * add up (borrow, validation, query) past a probe's patience. A future waited on for 2 s bounds the answer
 * exactly, and the Camel-managed pool is named, shown with Camel's threads and shut down with the context. One
 * thread is enough: checks share the one still running (see {@link Readiness#databaseProblem}).
 */
public final class DatabaseCheck extends AbstractHealthCheck {
    public static final String ID = "database";
    private final Readiness readiness;
    /** Made on the first call; calls run one at a time (AbstractHealthCheck holds a lock around doCall). */
    private ExecutorService executor;

    public DatabaseCheck(Readiness readiness) {
        super("hukz", ID);
        this.readiness = readiness;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String problem;
        try {
            problem = readiness.databaseProblem(executor());
        } catch (RejectedExecutionException stopped) {
            // Camel shuts its thread pools down last when it stops; a probe that comes in then is not answered by one.
            problem = "not checked: hukz is stopping";
        }
        if (problem == null) {
            builder.up();
        } else {
            builder.down().message(problem);
        }
    }

    private ExecutorService executor() {
        if (executor == null) {
            executor = getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this, "hukz-database-check");
        }
        return executor;
    }
}
