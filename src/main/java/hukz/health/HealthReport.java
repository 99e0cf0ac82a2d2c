package hukz.health;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The answers of /health/ready and /health/alive, read from the Camel context's health check registry: a map of
 * what is down to a short reason, empty while all is well.
 * <ul>
 * <li>Readiness: every readiness check is UP. Camel's own checks (the context, one per route) are reported as
 * {@code service} ("starting", "stopping", or the first route that is not running); hukz's {@link DatabaseCheck}
 * and {@link NatsCheck} under their ids.</li>
 * <li>Liveness: no liveness check is DOWN. Camel's context and route checks count as liveness by default, but for
 * hukz they describe starting, stopping and a route not running: readiness. Failing liveness then would get a
 * process restarted while it starts, or its graceful stop cut short. hukz's own checks are readiness only (an
 * outage is waited out), so hukz is alive whenever it answers, unless a liveness check is added.</li>
 * </ul>
 */
public final class HealthReport {
    static final String SERVICE = "service";
    static final String CONTEXT_CHECK = "context";
    static final String ROUTE_CHECK_PREFIX = "route:";
    /** Readiness is never true by omission: a check missing from the registry is a problem of its own. */
    private static final Set<String> REQUIRED = Set.of(CONTEXT_CHECK, DatabaseCheck.ID, NatsCheck.ID);
    /** "service" first, then the other parts by name: a stable body. */
    private static final Comparator<String> ORDER = Comparator.comparing((String k) -> !k.equals(SERVICE))
            .thenComparing(Comparator.naturalOrder());

    private HealthReport() {
    }

    public static Map<String, String> readinessProblems(CamelContext context) {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context,
                check -> Map.of(HealthCheck.CHECK_KIND, HealthCheck.Kind.READINESS), check -> !check.isReadiness(), "full");
        return problems(results, REQUIRED);
    }

    public static Map<String, String> livenessProblems(CamelContext context) {
        Predicate<HealthCheck> notLiveness = check -> !check.isLiveness() || isCamelsOwn(check.getId());
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context,
                check -> Map.of(HealthCheck.CHECK_KIND, HealthCheck.Kind.LIVENESS), notLiveness, "full");
        return problems(results, Set.of());
    }

    /** What is down (any state but UP) by the name the answer uses, plus every required check that did not answer. */
    static Map<String, String> problems(Collection<HealthCheck.Result> results, Set<String> required) {
        Map<String, String> problems = new TreeMap<>(ORDER);
        for (String id : required) {
            if (results.stream().noneMatch(r -> r.getCheck().getId().equals(id))) {
                problems.put(nameOf(id), "not checked");
            }
        }
        for (HealthCheck.Result r : results) {
            if (r.getState() != HealthCheck.State.UP) {
                problems.putIfAbsent(nameOf(r.getCheck().getId()), reason(r));
            }
        }
        return problems;
    }

    private static boolean isCamelsOwn(String id) {
        return id.equals(CONTEXT_CHECK) || id.startsWith(ROUTE_CHECK_PREFIX);
    }

    private static String nameOf(String checkId) {
        return isCamelsOwn(checkId) ? SERVICE : checkId;
    }

    /**
     * A short reason. Camel's messages name the context, its phase and "check the debug log"; the answer says only
     * what a probe's reader needs. The context check comes first (it has the highest order), so while hukz starts
     * the answer is "starting", not a list of routes not yet running.
     */
    private static String reason(HealthCheck.Result r) {
        String id = r.getCheck().getId();
        Map<String, Object> details = r.getDetails();
        if (id.equals(CONTEXT_CHECK)) {
            Object status = details.get("context.status");
            return status instanceof ServiceStatus s && (s.isStarting() || s == ServiceStatus.Initializing
                    || s == ServiceStatus.Initialized) ? "starting" : "stopping";
        }
        if (id.startsWith(ROUTE_CHECK_PREFIX)) {
            Object status = details.get("route.status");
            return "route " + id.substring(ROUTE_CHECK_PREFIX.length()) + " is "
                    + (status == null ? "not running" : String.valueOf(status).toLowerCase());
        }
        return r.getMessage().orElse(String.valueOf(r.getState()).toLowerCase());
    }
}
