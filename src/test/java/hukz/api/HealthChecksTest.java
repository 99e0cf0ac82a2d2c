package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.Cleanup;
import hukz.support.TcpProxy;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /health/* answer from the Camel context's health check registry: Camel's context check and one check per route,
 * hukz's database and nats checks; the bodies stay {"status":"ok"} and {"errors":{part: reason}}.
 */
class HealthChecksTest {
    static TestHukz hukz;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(hukz);
    }

    @Test
    void theRegistryHoldsTheContextRouteDatabaseAndNatsChecks() {
        HealthCheckRegistry registry = HealthCheckRegistry.get(hukz.camel());
        List<String> ids = registry.stream().map(HealthCheck::getId).toList();
        assertThat(ids).contains("context", "database", "nats", "route:deliver", "route:ingest", "route:retry", "route:api-health-ready");
        HealthCheck database = registry.getCheck("database").orElseThrow();
        HealthCheck nats = registry.getCheck("nats").orElseThrow();
        assertThat(database.isReadiness()).isTrue();
        assertThat(database.isLiveness()).as("an outage is waited out, not restarted").isFalse();
        assertThat(nats.isReadiness()).isTrue();
        assertThat(nats.isLiveness()).isFalse();
        assertThat(database.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(nats.call().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void aStoppedRouteMakesHukzNotReadyNamingTheServiceWhileItStaysAlive() throws Exception {
        hukz.camel().getRouteController().stopRoute("retry");
        try {
            Api.Response r = hukz.api.send("GET", "/health/ready", null);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json()).isEqualTo(object("errors", object("service", "route retry is stopped")));
            Api.Response alive = hukz.api.send("GET", "/health/alive", null);
            assertThat(alive.status()).isEqualTo(200);
            assertThat(alive.json()).isEqualTo(object("status", "ok"));
        } finally {
            hukz.camel().getRouteController().startRoute("retry");
        }
        Api.Response r = hukz.api.send("GET", "/health/ready", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(object("status", "ok"));
    }

    @Test
    void aSilentDatabaseMakesHukzNotReadyWithinAProbesPatienceAndReadyAgainOnceItAnswers() {
        try (TcpProxy pg = new TcpProxy(TestPostgres.port());
             TestHukz silent = TestHukz.start(Map.of("database_port", String.valueOf(pg.port())))) {
            pg.stall();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> silent.api.send("GET", "/health/ready", null)
                        .json().path("errors").has("database"));
                for (int probe = 0; probe < 3; probe++) {
                    long started = System.nanoTime();
                    Api.Response r = silent.api.send("GET", "/health/ready", null);
                    // The deadline under test: connections to a silent database hang (connect, login, query) for the
                    // pool's 10 s timeout and longer; a probe must be answered well before. 8 s is slack for a busy
                    // machine over the 2 s budget, and still below the hang.
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("probe %d answers within a probe's patience", probe)
                            .isLessThan(Duration.ofSeconds(8));
                    assertThat(r.status()).isEqualTo(503);
                    JsonNode errors = r.json().get("errors");
                    assertThat(errors.get("database").asText()).isIn("unreachable", "no answer within 2s");
                    assertThat(errors.has("nats")).as("NATS is not behind the proxy").isFalse();
                }
            } finally {
                pg.restore();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> silent.api.send("GET", "/health/ready", null).status() == 200);
            assertThat(silent.api.send("GET", "/health/ready", null).json()).isEqualTo(object("status", "ok"));
        }
    }
}
