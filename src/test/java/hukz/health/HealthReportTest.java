package hukz.health;

import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How the registry's results become the parts named in a 503 body (unit: no Camel context). */
class HealthReportTest {
    private static final Set<String> REQUIRED = Set.of("context", "database", "nats");

    @Test
    void nothingIsReportedWhileEveryCheckIsUp() {
        assertThat(HealthReport.problems(List.of(up("context"), up("route:deliver"), up("database"), up("nats")), REQUIRED)).isEmpty();
    }

    @Test
    void camelsContextAndRouteChecksAreTheServiceAndStartingWinsOverTheRoutesNotYetRunning() {
        Map<String, String> problems = HealthReport.problems(List.of(
                context(ServiceStatus.Starting), route("deliver", ServiceStatus.Stopped), down("database", "no answer within 2s"),
                down("nats", "starting")), REQUIRED);
        assertThat(problems).containsExactly(Map.entry("service", "starting"), Map.entry("database", "no answer within 2s"),
                Map.entry("nats", "starting"));
    }

    @Test
    void aStoppingContextAndALoneStoppedRouteSayWhatTheyAre() {
        assertThat(HealthReport.problems(List.of(context(ServiceStatus.Stopping), up("database"), up("nats")), REQUIRED))
                .containsExactly(Map.entry("service", "stopping"));
        assertThat(HealthReport.problems(List.of(up("context"), route("retry", ServiceStatus.Stopped), up("database"), up("nats")), REQUIRED))
                .containsExactly(Map.entry("service", "route retry is stopped"));
    }

    @Test
    void aRequiredCheckMissingFromTheRegistryIsNeverReadyByOmission() {
        assertThat(HealthReport.problems(List.of(up("context"), up("nats")), REQUIRED)).containsExactly(Map.entry("database", "not checked"));
        assertThat(HealthReport.problems(List.of(), REQUIRED)).containsOnlyKeys("service", "database", "nats");
    }

    private static HealthCheck.Result up(String id) {
        return HealthCheckResultBuilder.on(check(id)).up().build();
    }

    private static HealthCheck.Result down(String id, String message) {
        return HealthCheckResultBuilder.on(check(id)).down().message(message).build();
    }

    private static HealthCheck.Result context(ServiceStatus status) {
        return HealthCheckResultBuilder.on(check("context")).down().detail("context.status", status)
                .message("Camel Context 'hukz' is busy. Please check the debug log").build();
    }

    private static HealthCheck.Result route(String id, ServiceStatus status) {
        return HealthCheckResultBuilder.on(check("route:" + id)).down().detail("route.id", id).detail("route.status", status.name())
                .message("Route " + id + " has status " + status.name()).build();
    }

    private static HealthCheck check(String id) {
        return new AbstractHealthCheck("test", id) {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                builder.up();
            }
        };
    }
}
