package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static hukz.api.ApiAssert.object;
import static org.assertj.core.api.Assertions.assertThat;

/** The routes without X-User: ping, health, metrics, the OpenAPI document. */
class ServiceRoutesTest {
    static TestHukz hukz;
    static Api api;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    static Api.Response anonymous(String path) {
        return api.send("GET", path, null);
    }

    @Test
    void pingAnswers200WithoutXUser() {
        assertThat(anonymous("/ping").status()).isEqualTo(200);
        assertThat(api.send("GET", "/ping", null, "X-User", "not-a-user").status()).isEqualTo(200);
    }

    @Test
    void aliveAnswersStatusOk() {
        Api.Response r = anonymous("/health/alive");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(object("status", "ok"));
    }

    @Test
    void readyAnswers200StatusOkWhenDatabaseAndNatsAreUp() {
        Api.Response r = anonymous("/health/ready");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(r.json()).isEqualTo(object("status", "ok"));
    }

    @Test
    void metricsArePrometheusText() {
        api.createEvent("metrics.seen");
        Api.Response r = anonymous("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        String text = r.text();
        assertThat(text).contains("# HELP ").contains("# TYPE ");
        assertThat(text).containsPattern("(?m)^# TYPE hukz_deliveries_pending gauge$");
        assertThat(text).containsPattern("(?m)^hukz_deliveries_pending(\\{[^}]*\\})? 0(\\.0)?$");
        assertThat(text).containsPattern("(?m)^jvm_memory_used_bytes\\{");
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            assertThat(line).as("a Prometheus sample line").matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? [-+0-9.eEInfNa]+( [0-9]+)?");
        }
    }

    @Test
    void openApiDocumentListsEveryRouteWithItsMethods() {
        Api.Response r = anonymous("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).as("OpenAPI 3 requires info.title").isNotBlank();
        assertThat(doc.path("info").path("version").asText()).as("OpenAPI 3 requires info.version").isNotBlank();
        JsonNode paths = doc.get("paths");
        Map<String, List<String>> expected = Map.ofEntries(
                Map.entry("/events", List.of("get", "post")),
                Map.entry("/events/{id}", List.of("get", "put", "delete")),
                Map.entry("/webhooks", List.of("get", "post")),
                Map.entry("/webhooks/space/{space_id}", List.of("get", "post")),
                Map.entry("/webhooks/space/{space_id}/check", List.of("get")),
                Map.entry("/webhooks/{id}", List.of("get", "put", "delete")),
                Map.entry("/webhooks/{id}/secret", List.of("get")),
                Map.entry("/webhooks/{id}/secret/rotate", List.of("post")),
                Map.entry("/webhooks/{id}/test", List.of("post")),
                Map.entry("/webhooks/{id}/recover", List.of("post")),
                Map.entry("/webhooks/logs", List.of("get")),
                Map.entry("/deliveries", List.of("get")),
                Map.entry("/deliveries/{id}", List.of("get")),
                Map.entry("/deliveries/{id}/retry", List.of("post")),
                Map.entry("/ping", List.of("get")),
                Map.entry("/health/alive", List.of("get")),
                Map.entry("/health/ready", List.of("get")),
                Map.entry("/metrics", List.of("get")));
        List<String> documented = new ArrayList<>();
        paths.fieldNames().forEachRemaining(documented::add);
        assertThat(documented).containsAll(expected.keySet());
        expected.forEach((path, methods) -> {
            List<String> has = new ArrayList<>();
            paths.get(path).fieldNames().forEachRemaining(has::add);
            assertThat(has).as(path).containsAll(methods);
        });
        JsonNode idParam = paths.get("/webhooks/{id}").get("get").get("parameters").get(0);
        assertThat(idParam.get("name").asText()).isEqualTo("id");
        assertThat(idParam.get("in").asText()).isEqualTo("path");
        JsonNode spaceParam = paths.get("/webhooks/space/{space_id}/check").get("get").get("parameters");
        List<String> names = new ArrayList<>();
        spaceParam.forEach(p -> names.add(p.get("name").asText()));
        assertThat(names).contains("space_id");
    }
}
