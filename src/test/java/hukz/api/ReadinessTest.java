package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.Cleanup;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;

import static hukz.api.ApiAssert.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /health/ready answers 503 naming what is down; this hukz has its own nats-server and database to lose. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadinessTest {
    static TestNats ownNats;
    static TestHukz hukz;
    static Api api;

    @BeforeAll
    static void start() {
        ownNats = TestNats.start();
        hukz = TestHukz.start(Map.of("nats_url", ownNats.url()));
        api = hukz.api;
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(hukz, ownNats);
    }

    static Api.Response ready() {
        return api.send("GET", "/health/ready", null);
    }

    @Test
    @Order(1)
    void readyIs200WhileEverythingIsUp() {
        assertThat(ready().status()).isEqualTo(200);
        assertThat(ready().json()).isEqualTo(object("status", "ok"));
    }

    @Test
    @Order(2)
    void readyIs503NamingNatsWhenNatsIsGone() {
        ownNats.close();
        await().atMost(Duration.ofSeconds(15)).until(() -> ready().status() == 503);
        JsonNode body = ready().json();
        assertThat(body.fieldNames()).toIterable().containsExactly("errors");
        assertThat(body.get("errors").isObject()).isTrue();
        assertThat(body.get("errors").get("nats").asText()).isNotBlank();
        assertThat(body.get("errors").has("database")).isFalse();
        assertThat(api.send("GET", "/health/alive", null).json()).as("alive is not readiness").isEqualTo(object("status", "ok"));
    }

    @Test
    @Order(3)
    void readyIs503NamingTheDatabaseWhenItIsGone() {
        String db = hukz.database();
        try (var c = TestPostgres.get().getPostgresDatabase().getConnection(); var st = c.createStatement()) {
            st.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "' AND pid <> pg_backend_pid()");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        try {
            await().atMost(Duration.ofSeconds(40)).until(() -> ready().json().path("errors").has("database"));
            long started = System.nanoTime();
            Api.Response r = ready();
            // The deadline under test: with the database gone, readiness must answer rather than hang on the pool's
            // 30 s connection timeout; 10 s is generous slack for a busy machine and still far below the hang.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a readiness probe answers within a probe's patience")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("errors").get("database").asText()).isNotBlank();
            assertThat(r.text()).as("no connection details leak").doesNotContain("password").doesNotContain(db);
        } finally {
            try (var c = TestPostgres.get().getPostgresDatabase().getConnection(); var st = c.createStatement()) {
                st.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(Sql.count(db, "SELECT 1")).isEqualTo(1);
    }
}
