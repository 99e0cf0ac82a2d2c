package hukz.retry;

import hukz.attempt.DeliveryTask;
import hukz.health.OutageTracker;
import hukz.ingest.WebhookDirectory;
import hukz.policy.FlowControl;
import hukz.policy.InFlight;
import hukz.policy.WaitingLine;
import hukz.store.DataAccessException;
import hukz.store.Db;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.EventStore;
import hukz.store.FlowStore;
import hukz.store.Webhook;
import hukz.store.WebhookStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A refill woken while the database is away, with nothing waiting in a line or with deliveries in one: the outage is
 * reported to its tracker (which logs it once) and the refill takes nothing — it does not fail, which Camel's default
 * error handler on the refill route would log with a stack trace at every wake-up. The backlog and the lines stay for
 * the next refill or tick, a line's deliveries in their place (not dropped to wait out their lease).
 */
class RefillDuringOutageTest {
    private final Db away = new Db(unreachable());
    private final WaitingLine line = new WaitingLine(1000, 1_000_000, Duration.ofMinutes(1), Clock.systemUTC());
    private final FlowControl flow = new FlowControl(new InFlight(Duration.ofMinutes(1)), new FlowStore(away),
            new DeliveryStore(away), line, 5);
    private final OutageTracker database = new OutageTracker("database", new SimpleMeterRegistry());
    private final RetryPoller poller = poller();

    @Test
    void aRefillWhileTheDatabaseIsAwayReportsTheOutageAndTakesNothing() {
        flow.waiting(List.of(7L));

        assertThat(poller.refill()).isEmpty();
        assertThat(database.isDown()).as("reported, so logged once by the tracker").isTrue();
        assertThat(flow.backlogged()).as("still waiting for the next refill").containsExactly(7L);
    }

    @Test
    void aRefillWhileTheDatabaseIsAwayWithDeliveriesInALineReportsTheOutageAndDoesNotFail() {
        line.join(7L, List.of(task(1)));

        // the line's webhook is looked up in the routing table, which must be read from the database: it fails
        assertThat(poller.refill()).isEmpty();
        assertThat(database.isDown()).as("reported, so logged once by the tracker").isTrue();
        assertThat(flow.lined()).as("the line waits for the next refill or tick").containsExactly(7L);
    }

    @Test
    void deliveriesTakenFromALineWhileTheDatabaseIsAwayKeepTheirPlaceInIt() {
        line.join(7L, List.of(task(1), task(2), task(3)));

        // admission reads the open circuits from the database before it takes a slot
        assertThatThrownBy(() -> flow.serveLine(webhook(7))).isInstanceOf(DataAccessException.class);
        assertThat(line.size()).isEqualTo(3);
        assertThat(line.take(7L, 10)).extracting(t -> t.delivery().id()).as("back at the front, in order")
                .containsExactly(1L, 2L, 3L);
    }

    private static DeliveryTask task(long id) {
        Instant now = Instant.now();
        return new DeliveryTask(new Delivery(id, now, now, 7, "msg_" + id, "e", "{}", Delivery.PENDING, 0,
                now.plus(Duration.ofMinutes(5)), null, null), null);
    }

    private static Webhook webhook(long id) {
        Instant now = Instant.now();
        return new Webhook(id, now, now, 1, 1, "w", "http://receiver.example/hook", true, null, Map.of(), null, "whsec_x",
                null, null, Map.of(), "json", List.of());
    }

    private RetryPoller poller() {
        WebhookStore webhooks = new WebhookStore(away, new EventStore(away));
        return new RetryPoller(new DeliveryStore(away), webhooks, new FlowStore(away), new WebhookDirectory(webhooks, 1000),
                flow, null, null, Duration.ofMinutes(1), database);
    }

    /** A pool whose every connection attempt is refused, as while PostgreSQL is down. */
    private static DataSource unreachable() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw new SQLTransientConnectionException("Connection refused");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
