package hukz.routes;

import hukz.attempt.DeliveryTask;
import hukz.record.AttemptRecorder;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
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
}
