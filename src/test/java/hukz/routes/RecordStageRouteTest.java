package hukz.routes;

import hukz.Json;
import hukz.attempt.DeliveryTask;
import hukz.record.AttemptRecorder;
import hukz.record.ParsedOnceParameters;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.jdbc.JdbcEndpoint;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The record route: outcomes handed over on seda:record become, in one statement, webhook_logs rows and their
 * deliveries' new states; a late or repeated outcome is logged but never moves a delivery backwards.
 */
class RecordStageRouteTest extends RouteTestSupport {
    @Override
    protected List<String> routeFiles() {
        return List.of("record.camel.yaml");
    }

    private AttemptRecord outcome(DeliveryTask t, int attempt, String status, Instant next, int code, String error) {
        return new AttemptRecord(t.delivery().id(), attempt, status, next, t.webhook().id(), t.webhook().createdById(),
                t.delivery().event(), t.webhook().url(), "{\"sent\":" + attempt + "}", code, "{\"got\":" + code + "}",
                Map.of("team", "core"), t.delivery().messageId(), 12, error, false, null);
    }

    @Test
    void anOutcomeBecomesItsLogRowAndItsDeliverysState() throws Exception {
        context.start();
        StageFixture f = StageFixture.create(db, "record.stage", "http://127.0.0.1:9/hook");
        DeliveryTask task = f.leased("msg_record_1", "{}");
        Instant next = Instant.now().plus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        NotifyBuilder written = new NotifyBuilder(context).fromRoute("record").whenDone(1).create();

        template.sendBody(AttemptRecorder.QUEUE_URI, outcome(task, 1, Delivery.PENDING, next, 503, "HTTP 503"));

        assertThat(written.matches(15, TimeUnit.SECONDS)).isTrue();
        Delivery d = f.deliveries().find(task.delivery().id()).orElseThrow();
        assertThat(d.status()).isEqualTo(Delivery.PENDING);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.nextAttemptAt()).isEqualTo(next);
        List<String> logged = db.query("SELECT concat_ws('|', created_by_id, event, url, response_status_code, data::text, "
                        + "response_body::text, tags::text, webhook_id, delivery_id, message_id, attempt, duration_ms, error) "
                        + "FROM webhook_logs", rs -> rs.getString(1));
        assertThat(logged).containsExactly(String.join("|", "1", "record.stage", "http://127.0.0.1:9/hook", "503",
                "{\"sent\":1}", "{\"got\":503}", "{\"team\": \"core\"}", String.valueOf(task.webhook().id()),
                String.valueOf(task.delivery().id()), "msg_record_1", "1", "12", "HTTP 503"));
    }

    @Test
    void theStatementsParametersAreReadOncePerStatementText() {
        context.start();
        JdbcEndpoint jdbc = context.getEndpoints().stream().filter(JdbcEndpoint.class::isInstance).map(JdbcEndpoint.class::cast)
                .findFirst().orElseThrow();
        assertThat(jdbc.getPrepareStatementStrategy()).isInstanceOf(ParsedOnceParameters.class);
    }

    /**
     * The body sent and the answer are logged exactly as they were, escapes PostgreSQL cannot turn into text included
     * (an escaped NUL, a lone surrogate: hukz sends such payloads as they came). They travel in the batch as strings
     * and become json in the statement; carried as raw JSON values inside the batch, these escapes made
     * json_to_recordset fail the whole batch (tried, BadMessageTest caught it).
     */
    @Test
    void aLoggedBodyIsTheBodySentToTheCharacter() throws Exception {
        context.start();
        StageFixture f = StageFixture.create(db, "record.verbatim", "http://127.0.0.1:9/hook");
        DeliveryTask task = f.leased("msg_record_verbatim", "{}");
        String sent = "{ \"text\": \"caf\u00e9 \\\"quoted\\\" \\u00e9\\n\", \"nul\": \"\\u0000\", \"lone\": \"\\ud800\", "
                + "\"list\" : [1, 2.50, null] }";
        String answer = "[\"ok\",\t{\"n\": 1e3}]";
        AttemptRecord a = outcome(task, 1, Delivery.DELIVERED, null, 200, null);
        template.sendBody(AttemptRecorder.QUEUE_URI, new AttemptRecord(a.deliveryId(), 1, a.status(), null, a.webhookId(),
                a.webhookCreatedById(), a.event(), a.url(), sent, 200, answer, a.tags(), a.messageId(), 5, null, false, null));

        await().atMost(Duration.ofSeconds(15)).until(() -> db.queryLong("SELECT count(*) FROM webhook_logs") == 1);
        assertThat(db.query("SELECT data::text || '|' || response_body::text FROM webhook_logs", rs -> rs.getString(1)))
                .containsExactly(sent + "|" + answer);
        assertThat(f.deliveries().find(task.delivery().id()).orElseThrow().status()).isEqualTo(Delivery.DELIVERED);
    }

    @Test
    void aStaleOutcomeIsLoggedButDoesNotMoveTheDeliveryBack() throws Exception {
        context.start();
        StageFixture f = StageFixture.create(db, "record.stale", "http://127.0.0.1:9/hook");
        DeliveryTask task = f.leased("msg_record_2", "{}");
        template.sendBody(AttemptRecorder.QUEUE_URI, outcome(task, 2, Delivery.DELIVERED, null, 200, null));
        template.sendBody(AttemptRecorder.QUEUE_URI, outcome(task, 1, Delivery.PENDING, Instant.now().plusSeconds(60), 500, "HTTP 500"));

        // in one batch or two, as they were taken (a batch's own exchange counts as done too, so no NotifyBuilder)
        await().atMost(Duration.ofSeconds(15))
                .until(() -> db.queryLong("SELECT count(*) FROM webhook_logs") == 2);
        Delivery d = f.deliveries().find(task.delivery().id()).orElseThrow();
        assertThat(d.status()).isEqualTo(Delivery.DELIVERED);
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(db.query("SELECT attempt FROM webhook_logs ORDER BY attempt", rs -> rs.getInt(1)))
                .containsExactly(1, 2);
    }

    @Test
    void aBatchThatTheDatabaseRefusesForGoodIsLeftToTheLease() throws Exception {
        AdviceWith.adviceWith(context, "record", a -> a.weaveByToUri("bean:attemptRecorder?method=notRecorded*").after().to("mock:notRecorded"));
        context.start();
        StageFixture f = StageFixture.create(db, "record.refused", "http://127.0.0.1:9/hook");
        DeliveryTask task = f.leased("msg_record_3", "{}");
        getMockEndpoint("mock:notRecorded").expectedMessageCount(1);

        // data that is not JSON: the statement fails however often it is tried
        AttemptRecord bad = outcome(task, 1, Delivery.DELIVERED, null, 200, null);
        template.sendBody(AttemptRecorder.QUEUE_URI, new AttemptRecord(bad.deliveryId(), 1, bad.status(), null, bad.webhookId(),
                bad.webhookCreatedById(), bad.event(), bad.url(), "not json", 200, null, bad.tags(), bad.messageId(), 1, null, false, null));

        getMockEndpoint("mock:notRecorded").assertIsSatisfied(Duration.ofSeconds(30).toMillis());
        Delivery d = f.deliveries().find(task.delivery().id()).orElseThrow();
        assertThat(d.status()).isEqualTo(Delivery.PENDING);
        assertThat(d.attempts()).isZero();
        assertThat(db.query("SELECT count(*) FROM webhook_logs", rs -> rs.getLong(1))).containsExactly(0L);
    }

    /**
     * With statistics taken before a backlog built up (a new table, a burst since the last ANALYZE), the planner
     * believes few deliveries are pending. The record statement must still read its deliveries by id: through one of
     * the indexes of pending rows, every batch would read the whole backlog.
     */
    @Test
    void aBatchReadsItsDeliveriesByIdWhenTheStatisticsPredateTheBacklog() throws Exception {
        StageFixture f = StageFixture.create(db, "record.backlog", "http://127.0.0.1:9/hook");
        db.update("ALTER TABLE deliveries SET (autovacuum_enabled = false)");
        db.update("INSERT INTO deliveries (webhook_id, message_id, event, payload, next_attempt_at) "
                + "SELECT ?, 'msg_backlog_' || g, ?, '{}', now() + interval '1 minute' FROM generate_series(1, 5000) g",
                f.webhook().id(), f.event());
        List<Long> ids = db.query("SELECT id FROM deliveries ORDER BY id LIMIT 300", rs -> rs.getLong(1));
        List<AttemptRecord> batch = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String status = i % 3 == 0 ? Delivery.DELIVERED : i % 3 == 1 ? Delivery.FAILED : Delivery.PENDING;
            batch.add(attempt(f, ids.get(i), status));
        }
        String attempts = json(batch);

        assertThat(deliveriesReadBy(attempts)).as("how the statement reads deliveries").containsOnly("deliveries_pkey");

        // and the counters stay exact: the statement trigger counts each status change once, and a row whose status
        // stays (a retry to come) not at all
        db.update(recordStatement(), attempts);
        assertThat(db.query("SELECT status || '=' || n FROM delivery_counts WHERE n <> 0 ORDER BY status", rs -> rs.getString(1)))
                .containsExactly("delivered=100", "failed=100", "pending=4800");
        assertThat(db.queryLong("SELECT count(*) FROM webhook_logs")).isEqualTo(300);
    }

    /** At a steady rate: statistics that know the table, a handful of deliveries pending, one outcome per batch. */
    @Test
    void anOutcomeReadsItsDeliveryByIdWhenAlmostNothingIsPending() throws Exception {
        StageFixture f = StageFixture.create(db, "record.steady", "http://127.0.0.1:9/hook");
        db.update("INSERT INTO deliveries (webhook_id, message_id, event, payload, status, attempts) "
                + "SELECT ?, 'msg_done_' || g, ?, '{}', 'delivered', 1 FROM generate_series(1, 5000) g", f.webhook().id(), f.event());
        long pending = f.leased("msg_steady", "{}").delivery().id();
        db.update("ANALYZE deliveries");

        assertThat(deliveriesReadBy(json(List.of(attempt(f, pending, Delivery.DELIVERED))))).containsOnly("deliveries_pkey");
    }

    private static AttemptRecord attempt(StageFixture f, long deliveryId, String status) {
        return new AttemptRecord(deliveryId, 1, status, Delivery.PENDING.equals(status) ? Instant.now().plusSeconds(60) : null,
                f.webhook().id(), 1, f.event(), f.webhook().url(), "{}", 200, null, Map.of(), "msg_plan", 3, null, false, null);
    }

    /** The indexes (or "Seq Scan") through which the record statement would read deliveries for these attempts. */
    private Set<String> deliveriesReadBy(String attempts) throws Exception {
        JsonNode plan = Json.read(db.queryOne("EXPLAIN (FORMAT JSON) " + recordStatement(), rs -> rs.getString(1),
                attempts).orElseThrow());
        Set<String> reads = new LinkedHashSet<>();
        collectReadsOf("deliveries", plan, reads);
        return reads;
    }

    /** The batch as the record route marshals it (its keys in snake_case, times as ISO text). */
    private static String json(List<AttemptRecord> batch) throws Exception {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(batch);
    }

    /** The statement the record route runs, as routes/record.camel.yaml says it, with a JDBC parameter. */
    private static String recordStatement() throws Exception {
        Object yaml = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(Path.of("routes/record.camel.yaml")));
        List<String> found = new ArrayList<>();
        collectStrings(yaml, found);
        return found.stream().filter(t -> t.contains("UPDATE deliveries")).findFirst().orElseThrow().replace(":?attempts", "?");
    }

    private static void collectStrings(Object node, List<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(v -> collectStrings(v, into));
        } else if (node instanceof Collection<?> list) {
            list.forEach(v -> collectStrings(v, into));
        } else if (node instanceof String text) {
            into.add(text);
        }
    }

    /**
     * How each scan of {@code table} in an EXPLAIN (FORMAT JSON) plan reads it: its index, the indexes of a bitmap
     * scan, or "Seq Scan".
     */
    private static void collectReadsOf(String table, JsonNode node, Set<String> into) {
        if (node.isObject() && table.equals(node.path("Relation Name").asText()) && node.path("Node Type").asText().contains("Scan")) {
            if (node.has("Index Name")) {
                into.add(node.get("Index Name").asText());
            } else if (node.path("Node Type").asText().startsWith("Bitmap")) {
                node.path("Plans").findValues("Index Name").forEach(index -> into.add(index.asText()));
            } else {
                into.add(node.path("Node Type").asText());
            }
            return;
        }
        node.forEach(child -> collectReadsOf(table, child, into));
    }
}
