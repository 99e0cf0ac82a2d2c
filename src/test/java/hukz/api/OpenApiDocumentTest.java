package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import hukz.support.Api;
import hukz.support.ApiConformance;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /openapi.json describes every REST route of routes/*.camel.yaml (path, parameters, body, answers and their status
 * codes, X-User and the bearer token), and what each route answers matches it. Every other API test's answers are
 * checked against it too, by {@code OpenApiConformanceExtension}.
 */
class OpenApiDocumentTest {
    static final List<String> METHODS = List.of("get", "post", "put", "delete", "patch");
    static final List<String> USER_PATHS = List.of("/events", "/webhooks", "/deliveries", "/stats");
    static TestHukz hukz;
    static Api api;
    static String text;
    static JsonNode doc;
    static Receiver receiver;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
        Api.Response r = api.send("GET", "/openapi.json", null);
        assertThat(r.status()).isEqualTo(200);
        text = r.text();
        doc = r.json();
        receiver = new Receiver().always(req -> new Receiver.Answer(200, "{\"seen\":true}",
                Map.of("Content-Type", "application/json"), Duration.ZERO));
    }

    @AfterAll
    static void stop() {
        receiver.close();
        hukz.close();
    }

    @Test
    void isAValidOpenApi30Document() {
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text);
        assertThat(parsed.getMessages()).as("parser messages").isEmpty();
        assertThat(doc.get("openapi").asText()).startsWith("3.0");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("hukz");
        assertThat(doc.path("servers").get(0).path("url").asText()).isEqualTo("/");
    }

    @Test
    void everyRestVerbOfTheRoutesIsAnOperationNamedByItsRouteIdWithItsSuccessAnswer() throws IOException {
        List<Verb> verbs = restVerbs();
        assertThat(verbs).hasSizeGreaterThanOrEqualTo(27);
        for (Verb v : verbs) {
            JsonNode op = doc.path("paths").path(v.path()).path(v.method());
            assertThat(op.isObject()).as(v + " is documented").isTrue();
            assertThat(op.path("operationId").asText()).as(v + " operationId").isEqualTo(v.routeId());
            List<String> success = new ArrayList<>();
            op.path("responses").fieldNames().forEachRemaining(code -> {
                if (code.startsWith("2")) {
                    success.add(code);
                }
            });
            assertThat(success).as(v + " has a success answer").hasSize(1);
            JsonNode content = op.path("responses").path(success.get(0)).path("content");
            assertThat(content.isObject()).as(v + " success answer has a body").isTrue();
            content.forEach(media -> assertThat(media.path("schema").isObject()).as(v + " success schema").isTrue());
        }
    }

    @Test
    void routesUnderTheUserPathsTakeXUserAndAnswer401AndServiceRoutesDoNot() {
        assertThat(doc.at("/components/securitySchemes/bearerAuth/type").asText()).isEqualTo("http");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
        operations().forEach(op -> {
            boolean user = USER_PATHS.stream().anyMatch(p -> op.path().equals(p) || op.path().startsWith(p + "/"));
            JsonNode xUser = param(op.node(), "header", "X-User");
            if (user) {
                assertThat(xUser).as(op + " X-User").isNotNull();
                assertThat(xUser.path("required").asBoolean()).isTrue();
                assertThat(xUser.at("/schema/type").asText()).isEqualTo("integer");
                assertErrorAnswer(op, "401");
                assertErrorAnswer(op, "503");
            } else {
                assertThat(xUser).as(op + " needs no X-User").isNull();
            }
            assertErrorAnswer(op, "default");
        });
    }

    @Test
    void idRoutesAnswer400And404AndBodyRoutesDescribeTheirBodyAnd413And422() {
        operations().forEach(op -> {
            if (op.path().contains("{id}")) {
                JsonNode id = param(op.node(), "path", "id");
                assertThat(id.at("/schema/type").asText()).as(op + " id").isEqualTo("integer");
                assertErrorAnswer(op, "400");
                assertErrorAnswer(op, "404");
            }
            if (op.node().has("requestBody")) {
                assertThat(op.node().at("/requestBody/content/application~1json/schema/$ref").asText())
                        .as(op + " body schema").startsWith("#/components/schemas/");
                assertErrorAnswer(op, "413");
                assertErrorAnswer(op, "422");
            }
        });
        for (String path : List.of("/events", "/webhooks", "/webhooks/{id}", "/events/{id}", "/webhooks/space/{space_id}")) {
            JsonNode methods = doc.path("paths").path(path);
            boolean writes = methods.has("post") || methods.has("put");
            assertThat(writes ? (methods.path("post").has("requestBody") || methods.path("put").has("requestBody")) : true)
                    .as(path + " documents its body").isTrue();
        }
        assertThat(doc.at("/components/schemas/Errors/properties/errors/items/$ref").asText()).isEqualTo("#/components/schemas/ApiError");
        assertThat(doc.at("/components/schemas/ApiError/required").toString()).contains("code", "message", "source");
    }

    @Test
    void listRoutesDocumentTheirQueryParameters() {
        for (String path : List.of("/events", "/webhooks", "/webhooks/logs", "/deliveries", "/webhooks/space/{space_id}")) {
            JsonNode get = doc.path("paths").path(path).path("get");
            for (String name : List.of("page", "limit", "tag")) {
                assertThat(param(get, "query", name)).as(path + " ?" + name).isNotNull();
            }
            assertThat(get.at("/responses/200/content/application~1json/schema/$ref").asText()).endsWith("Page");
        }
        JsonNode logs = doc.at("/paths/~1webhooks~1logs/get");
        for (String name : List.of("event", "webhook_id", "status", "since", "until")) {
            assertThat(param(logs, "query", name)).as("/webhooks/logs ?" + name).isNotNull();
        }
        assertThat(param(logs, "query", "status").at("/schema/enum").toString()).contains("success", "failed");
        JsonNode deliveries = doc.at("/paths/~1deliveries/get");
        for (String name : List.of("webhook_id", "status", "event", "message_id")) {
            assertThat(param(deliveries, "query", name)).as("/deliveries ?" + name).isNotNull();
        }
        assertThat(param(doc.at("/paths/~1webhooks/get"), "query", "space_id")).isNotNull();
        assertThat(param(doc.at("/paths/~1webhooks~1space~1{space_id}~1check/get"), "query", "event")).isNotNull();
    }

    @Test
    void webhookSchemaCarriesItsLimitsAndItsReadOnlyHealth() {
        JsonNode webhook = doc.at("/components/schemas/Webhook/properties");
        assertThat(webhook.has("rate_limit")).isTrue();
        assertThat(webhook.path("rate_limit").path("nullable").asBoolean()).isTrue();
        assertThat(webhook.has("max_in_flight")).isTrue();
        assertThat(webhook.path("health").path("$ref").asText()).isEqualTo("#/components/schemas/WebhookHealth");
        assertThat(doc.at("/components/schemas/WebhookHealth/properties/circuit/enum").toString()).contains("closed", "open", "half_open");
        assertThat(webhook.has("secret")).as("the secret is never in a webhook's JSON").isFalse();
        JsonNode input = doc.at("/components/schemas/WebhookInput/properties");
        assertThat(input.has("secret")).isTrue();
        assertThat(input.path("rate_limit").path("maximum").asInt()).isEqualTo(10000);
        assertThat(input.path("max_in_flight").path("maximum").asInt()).isEqualTo(1000);
        assertThat(doc.at("/components/schemas/WebhookInput/required").toString()).contains("url", "event_ids");
    }

    @Test
    void everyOperationAnswersAsDocumented() {
        answers("GET", "/ping", null, 200);
        answers("GET", "/health/alive", null, 200);
        answers("GET", "/health/ready", null, 200);
        answers("GET", "/metrics", null, 200);
        answers("GET", "/openapi.json", null, 200);
        answers("GET", "/docs", null, 200);

        long event = answers("POST", "/events", "{\"name\":\"Doc\",\"event\":\"doc.created\",\"tags\":{\"app\":\"doc\"}}", 201).id();
        long spare = answers("POST", "/events", "{\"event\":\"doc.spare\"}", 201).id();
        answers("GET", "/events?page=1&limit=5&tag=app:doc", null, 200);
        answers("GET", "/events/" + event, null, 200);
        answers("PUT", "/events/" + spare, "{\"name\":\"Spare\",\"event\":\"doc.spare\"}", 200);

        String hook = "{\"name\":\"doc\",\"url\":\"" + receiver.url("/hook") + "\",\"event_ids\":[" + event + "],\"tags\":{\"app\":\"doc\"}}";
        long webhook = answers("POST", "/webhooks", hook, 201).id();
        answers("POST", "/webhooks/space/42", hook, 201);
        answers("POST", "/webhooks/space/team-a", hook, 201);
        answers("GET", "/webhooks?space_id=42", null, 200);
        answers("GET", "/webhooks/space/team-a", null, 200);
        answers("GET", "/webhooks/space/42/check?event=doc.created", null, 200);
        answers("GET", "/webhooks/" + webhook, null, 200);
        answers("PUT", "/webhooks/" + webhook, hook, 200);
        answers("GET", "/webhooks/" + webhook + "/secret", null, 200);
        answers("POST", "/webhooks/" + webhook + "/secret/rotate", null, 200);
        answers("POST", "/webhooks/" + webhook + "/test", null, 200);

        NatsPublisher.shared().publish("doc.created", "{\"n\":1}");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/deliveries?webhook_id=" + webhook + "&status=delivered").json().path("total").asInt() >= 1);
        JsonNode delivery = answers("GET", "/deliveries?webhook_id=" + webhook + "&event=doc.created", null, 200).json().path("nodes").get(0);
        answers("GET", "/deliveries/" + delivery.path("id").asLong(), null, 200);
        answers("GET", "/deliveries?message_id=" + delivery.path("message_id").asText(), null, 200);
        answers("POST", "/deliveries/" + delivery.path("id").asLong() + "/retry", null, 202);
        answers("POST", "/webhooks/" + webhook + "/recover", "{\"since\":\"" + Instant.now().minusSeconds(3600) + "\"}", 202);
        answers("GET", "/webhooks/logs?webhook_id=" + webhook + "&status=success&since=2020-01-01T00:00:00Z", null, 200);

        answers("DELETE", "/events/" + event, null, 422);
        answers("DELETE", "/webhooks/" + webhook, null, 200);
        answers("DELETE", "/events/" + spare, null, 200);

        assertThat(api.send("GET", "/events", null).status()).isEqualTo(401);
        conforms("GET", "/events");
        answers("GET", "/events/abc", null, 400);
        answers("GET", "/events/999999", null, 404);
        answers("GET", "/events?tag=nocolon", null, 400);
        answers("GET", "/webhooks/logs?since=yesterday", null, 400);
        answers("GET", "/deliveries?status=lost", null, 400);
        answers("POST", "/events", "{not json", 422);
        answers("POST", "/webhooks", "{\"url\":\"ftp://x\",\"event_ids\":[1]}", 422);
        // 413 is left to AuthAndErrorsTest, whose answers are checked against the document too: the server refuses
        // an oversized body unread and closes, so whether the client, still sending, reads the answer is timing.
    }

    @Test
    void theCheckRefusesAnswersThatDifferFromTheDocument() {
        Api.Response real = answers("POST", "/events", "{\"event\":\"doc.checked\"}", 201);
        String good = real.text();
        ApiConformance.Recorded ok = new ApiConformance.Recorded(api.base(), "POST", "/events", 201, "application/json", good);
        assertThat(ApiConformance.problemsOf(ok)).isEmpty();
        for (String bad : List.of(
                good.replace("\"event\":\"doc.checked\",", ""),
                good.replace("\"id\":" + real.id(), "\"id\":\"one\""),
                good.replaceFirst("\\{", "{\"surprise\":1,"),
                "{\"errors\":[{\"code\":201,\"message\":\"\",\"source\":\"\"}]}")) {
            ApiConformance.Recorded wrong = new ApiConformance.Recorded(api.base(), "POST", "/events", 201, "application/json", bad);
            assertThat(ApiConformance.problemsOf(wrong)).as(bad).isNotEmpty();
        }
        ApiConformance.Recorded undocumentedStatus = new ApiConformance.Recorded(api.base(), "POST", "/events", 200, "application/json", good);
        assertThat(ApiConformance.problemsOf(undocumentedStatus)).as("200 is not what a create answers").isNotEmpty();
        ApiConformance.Recorded badError = new ApiConformance.Recorded(api.base(), "GET", "/events/1", 404, "application/json", "{\"error\":\"nope\"}");
        assertThat(ApiConformance.problemsOf(badError)).isNotEmpty();
    }

    /** Sends as user 1, expects the status, and checks the answer against the document. */
    static Api.Response answers(String method, String pathAndQuery, String body, int status) {
        Api.Response r = body == null ? api.send(method, pathAndQuery, null, "X-User", "1")
                : api.send(method, pathAndQuery, body, "X-User", "1", "Content-Type", "application/json");
        assertThat(r.status()).as(method + " " + pathAndQuery + ": " + abbreviate(r.text())).isEqualTo(status);
        conforms(method, pathAndQuery);
        return r;
    }

    static void conforms(String method, String pathAndQuery) {
        List<String> problems = ApiConformance.problemsOf(ApiConformance.last(method, pathAndQuery));
        assertThat(problems).as(method + " " + pathAndQuery + " is a documented operation").isNotNull();
        assertThat(problems).as(method + " " + pathAndQuery).isEmpty();
    }

    record Verb(String method, String path, String routeId) {
    }

    record Op(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    /** The documented REST verbs of every routes/*.camel.yaml, read from the YAML itself. */
    static List<Verb> restVerbs() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Verb> verbs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode item : yaml.readTree(file.toFile())) {
                    JsonNode rest = item.path("rest");
                    if (rest.isMissingNode()) {
                        continue;
                    }
                    String base = rest.path("path").asText("");
                    for (String method : METHODS) {
                        for (JsonNode verb : rest.path(method)) {
                            if (verb.path("apiDocs").asText("true").equals("false")) {
                                continue;
                            }
                            String path = (base + "/" + verb.path("path").asText("")).replaceAll("/+", "/").replaceAll("(.)/$", "$1");
                            verbs.add(new Verb(method, path, verb.path("routeId").asText()));
                        }
                    }
                }
            }
        }
        return verbs;
    }

    static List<Op> operations() {
        List<Op> ops = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields()
                .forEachRemaining(m -> ops.add(new Op(m.getKey(), p.getKey(), m.getValue()))));
        return ops;
    }

    static JsonNode param(JsonNode op, String in, String name) {
        for (JsonNode p : op.path("parameters")) {
            if (p.path("in").asText().equals(in) && p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    static void assertErrorAnswer(Op op, String status) {
        assertThat(op.node().at("/responses/" + status + "/content/application~1json/schema/$ref").asText())
                .as(op + " answers " + status + " in the error shape").isEqualTo("#/components/schemas/Errors");
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
