package hukz.config;

import hukz.HukzService;
import hukz.support.Scratch;
import hukz.support.Sql;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schema is migrated on a thread of its own while Camel loads the routes; nothing starts before it is there, and a
 * migration that fails fails the start with Flyway's message, as it did when migrating came first.
 */
class SchemaBeforeStartTest {

    private static HukzConfig config(String database) {
        Map<String, String> raw = TestHukz.baseConfig(database);
        return HukzConfig.from(raw);
    }

    private static boolean listening(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void nothingStartsWhileTheMigrationWaitsAndAllDoesOnceItIsDone() throws Exception {
        String database = TestPostgres.newDatabase();
        HukzConfig config = config(database);
        CompletableFuture<HukzService> created = null;
        HukzService service = null;
        try (Connection blocker = TestPostgres.connect(database); Statement st = blocker.createStatement()) {
            // An uncommitted table of the name the first migration creates: that CREATE TABLE waits for this
            // transaction (the schema still looks empty to Flyway, whose check cannot see it).
            blocker.setAutoCommit(false);
            st.execute("CREATE TABLE events (x int)");
            created = CompletableFuture.supplyAsync(() -> HukzService.create(config, Scratch.dir("data")));
            awaitMigrationWaitingOnLock(database);
            // Camel has had the time to load the routes (and would have started them had it not waited)
            Thread.sleep(1500);
            assertThat(created).as("create() waits for the schema").isNotDone();
            assertThat(listening(config.serverPort())).as("no API server before the schema").isFalse();
            blocker.rollback();
            service = created.get(60, TimeUnit.SECONDS);
            try (Connection c = TestPostgres.connect(database); Statement q = c.createStatement();
                 ResultSet rs = q.executeQuery("SELECT max(version::int) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertThat(rs.getInt(1)).as("migrated when create() returns").isGreaterThanOrEqualTo(5);
            }
            service.start();
            assertThat(listening(config.serverPort())).as("the API server once started").isTrue();
        } finally {
            if (service != null) {
                service.stop();
            } else if (created != null) {
                // failed before create() returned: the blocker's transaction is gone, so it returns; stop what it made
                created.thenAccept(HukzService::stop);
            }
        }
    }

    @Test
    void aMigrationThatFailsFailsTheStartWithFlywaysMessageAndLeavesNothingRunning() {
        String database = TestPostgres.newDatabase();
        // a table the first migration would create, committed: Flyway refuses a non-empty schema without its history
        Sql.execute(database, "CREATE TABLE events (x int)");
        HukzConfig config = config(database);
        assertThatThrownBy(() -> HukzService.create(config, Scratch.dir("data")))
                .hasMessageContaining("no schema history table");
        assertThat(listening(config.serverPort())).isFalse();
    }

    /** Until a backend of this database waits on a lock (the first migration's CREATE TABLE), at most 30 s. */
    private static void awaitMigrationWaitingOnLock(String database) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = TestPostgres.connect(database); Statement q = c.createStatement()) {
            while (System.nanoTime() < until) {
                try (ResultSet rs = q.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock' AND query ILIKE '%CREATE TABLE events%'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the migration never waited on the uncommitted table");
    }
}
