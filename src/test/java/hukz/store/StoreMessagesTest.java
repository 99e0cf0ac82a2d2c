package hukz.store;

import hukz.attempt.Signer;
import hukz.support.Sql;
import hukz.support.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Storing a batch of messages is one statement: the deliveries, and the Nats-Msg-Ids that make a second sighting
 * store nothing, are written together or not at all.
 */
class StoreMessagesTest {
    private String database;
    private Db db;
    private DeliveryStore deliveries;
    private Webhook webhook;

    @BeforeEach
    void database() {
        database = TestPostgres.newDatabase();
        DataSource ds = TestPostgres.get().getDatabase("postgres", database);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        db = new Db(ds);
        deliveries = new DeliveryStore(db);
        EventStore events = new EventStore(db);
        long eventId = events.create(1, "post.created", "post.created", Map.of()).id();
        webhook = new WebhookStore(db, events).create(1, new WebhookFields("store test", "http://127.0.0.1:1/hook", true, List.of(eventId),
                Map.of(), null, Signer.newSecret(), Map.of(), "json", null, 16));
    }

    private NewMessage message(String id, boolean dedup) {
        return new NewMessage(id, dedup, "post.created", "{\"id\":\"" + id + "\"}", List.of(webhook));
    }

    private List<Delivery> store(NewMessage... messages) {
        return deliveries.storeMessages(List.of(messages), Instant.now().plus(Duration.ofMinutes(1)), Map.of());
    }

    private long rows(String table) {
        return Sql.count(database, "SELECT count(*) FROM " + table);
    }

    @Test
    void aNatsMsgIdStoresOnceInABatchAndOnceAcrossBatches() {
        List<Delivery> first = store(message("a", true), message("a", true), message("generated-1", false));
        assertThat(first).extracting(Delivery::messageId).containsExactlyInAnyOrder("a", "generated-1");
        assertThat(first).allSatisfy(d -> assertThat(d.payload()).isEqualTo("{\"id\":\"" + d.messageId() + "\"}"));

        List<Delivery> second = store(message("a", true), message("b", true));
        assertThat(second).extracting(Delivery::messageId).containsExactly("b");
        assertThat(rows("deliveries")).isEqualTo(3);
        assertThat(Sql.count(database, "SELECT count(*) FROM message_ids WHERE message_id IN ('a', 'b')")).isEqualTo(2);
    }

    @Test
    void aNatsMsgIdForTwoWebhooksIsRememberedOnceAndStoresBoth() {
        Webhook second = new WebhookStore(db, new EventStore(db)).create(1, new WebhookFields("second", "http://127.0.0.1:2/hook", true,
                webhook.events().stream().map(Event::id).toList(), Map.of(), null, Signer.newSecret(), Map.of(), "json", null, 16));
        NewMessage toBoth = new NewMessage("both", true, "post.created", "{}", List.of(webhook, second));
        assertThat(store(toBoth)).extracting(Delivery::webhookId).containsExactlyInAnyOrder(webhook.id(), second.id());
        assertThat(store(toBoth)).isEmpty();
        assertThat(rows("message_ids")).isEqualTo(1);
    }

    @Test
    void anIdSeenOver24HoursAgoStoresAgain() {
        store(message("old", true));
        db.update("UPDATE message_ids SET seen_at = now() - interval '25 hours' WHERE message_id = 'old'");
        assertThat(store(message("old", true))).hasSize(1);
        assertThat(store(message("old", true))).isEmpty();
    }

    @Test
    void aBatchTheDatabaseRefusesRemembersNoId() {
        db.update("ALTER TABLE deliveries ADD CONSTRAINT refuse_for_test CHECK (message_id <> 'refused')");
        assertThatThrownBy(() -> store(message("accepted", true), message("refused", true))).isInstanceOf(DataAccessException.class);
        assertThat(rows("message_ids")).isZero();
        assertThat(rows("deliveries")).isZero();
        // stored again (as ingest-errors does) once the fault is gone, the messages are new, not duplicates
        db.update("ALTER TABLE deliveries DROP CONSTRAINT refuse_for_test");
        assertThat(store(message("accepted", true), message("refused", true))).hasSize(2);
    }

    @Test
    void storingTakesNoLockOnTheWebhookRow() throws Exception {
        // V5: no foreign key to webhooks, so no FOR KEY SHARE look-up of the webhook per stored delivery. With one,
        // a transaction holding the webhook's row FOR UPDATE would hold storing up until it ends.
        try (Connection holder = db.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("SELECT 1 FROM webhooks WHERE id = " + webhook.id() + " FOR UPDATE");
            CompletableFuture<List<Delivery>> stored = CompletableFuture.supplyAsync(() -> store(message("while-locked", false)));
            assertThat(stored.get(10, TimeUnit.SECONDS)).hasSize(1);
            holder.rollback();
        }
    }
}
