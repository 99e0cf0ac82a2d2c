package hukz.flow;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.HukzProcess;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §6: in development a changed or new routes/*.yaml takes effect without a restart (within 5 s); production
 * does not watch files. Each hukz runs as its own process from a copy of the project's routes/, which the test edits.
 */
class RouteReloadTest {
    /**
     * The promise is 5 s (Camel's file watcher polls every 2 s); the wait allows twice that, because this machine runs
     * several test JVMs at once. The time measured is printed.
     */
    static final Duration RELOAD_DEADLINE = Duration.ofSeconds(10);
    static final String PROBE = """
            - rest:
                path: /probe
                get:
                  - path: "/{id}"
                    routeId: api-probe
                    to: bean:eventApi?method=get
            """;

    @Test
    void developmentReloadsANewAndAChangedRouteFileWithoutARestart(@TempDir Path dir) throws IOException {
        copyProject(dir);
        try (HukzProcess hukz = HukzProcess.start(config("development"), dir)) {
            Api api = hukz.api;
            assertThat(hukz.output()).contains("Live route reloading enabled");
            long event = api.createEvent("reload.seen");
            assertThat(api.get("/probe/" + event).status()).isEqualTo(404);

            long written = System.nanoTime();
            save(dir.resolve("routes/api-probe.camel.yaml"), PROBE);
            await().atMost(RELOAD_DEADLINE).until(() -> api.get("/probe/" + event).status() == 200);
            System.out.printf("new route file served after %d ms%n", (System.nanoTime() - written) / 1_000_000);
            assertThat(api.get("/probe/" + event).json().path("event").asText()).isEqualTo("reload.seen");
            // The reloaded route is an API route like the others: errors.camel.yaml shapes its failures.
            Api.Response invalid = api.get("/probe/abc");
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.json().at("/errors/0/message").asText()).isEqualTo("Invalid ID");

            Path events = dir.resolve("routes/api-events.camel.yaml");
            // A new GET verb at the end of the file's get: list (put: follows it).
            String changed = Files.readString(events).replace("\n    put:\n", """

                  - path: "/{id}/again"
                    routeId: api-events-again
                    to: bean:eventApi?method=get
                put:
            """);
            assertThat(changed).contains("api-events-again");
            written = System.nanoTime();
            save(events, changed);
            await().atMost(RELOAD_DEADLINE).until(() -> api.get("/events/" + event + "/again").status() == 200);
            System.out.printf("changed route file served after %d ms%n", (System.nanoTime() - written) / 1_000_000);

            // The other routes of the reloaded file, and of the files left alone, still answer.
            assertThat(api.get("/events/" + event).status()).isEqualTo(200);
            assertThat(api.get("/events").json().path("total").asInt()).isEqualTo(1);
            assertThat(api.createEvent("reload.after")).isPositive();
            assertThat(api.get("/webhooks").status()).isEqualTo(200);
            assertThat(api.send("GET", "/health/ready", null).status()).isEqualTo(200);
            // /openapi.json follows the files as they are now.
            JsonNode paths = api.send("GET", "/openapi.json", null).json().path("paths");
            assertThat(paths.has("/events/{id}/again")).isTrue();
            assertThat(paths.has("/probe/{id}")).isTrue();
            assertThat(paths.path("/events").has("post")).isTrue();
            assertThat(hukz.output()).contains("Routes reloaded summary").contains("Started api-events-again");
        }
    }

    @Test
    void productionDoesNotWatchTheRouteFiles(@TempDir Path dir) throws IOException {
        copyProject(dir);
        try (HukzProcess hukz = HukzProcess.start(config("production"), dir)) {
            long event = hukz.api.createEvent("reload.never");
            save(dir.resolve("routes/api-probe.camel.yaml"), PROBE);
            // Nothing to wait for when nothing happens: the probe must stay unknown for longer than a reload takes.
            await().during(RELOAD_DEADLINE).atMost(RELOAD_DEADLINE.plusSeconds(5))
                    .until(() -> hukz.api.get("/probe/" + event).status() == 404);
            assertThat(hukz.output()).doesNotContain("Live route reloading enabled").doesNotContain("Routes reloaded");
        }
    }

    /**
     * Saves as editors do, whole in one step (a file written in place is first seen empty, and reloaded twice: its
     * routes are briefly away in between, which would make this test's next request a matter of timing).
     */
    static void save(Path file, String content) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, content);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Map<String, String> config(String mode) {
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(TestPostgres.newDatabase()));
        config.put("mode", mode);
        return config;
    }

    /** What hukz loads from its working directory: application.properties and routes/. */
    static void copyProject(Path dir) throws IOException {
        Files.copy(Path.of("application.properties"), dir.resolve("application.properties"));
        Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                Files.copy(route, dir.resolve("routes").resolve(route.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
