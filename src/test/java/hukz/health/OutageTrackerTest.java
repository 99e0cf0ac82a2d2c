package hukz.health;

import hukz.store.DataAccessException;
import hukz.support.CapturedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** An outage is told from a bug by its exception, and costs one WARN and one INFO however many tries fail. */
class OutageTrackerTest {

    @Test
    void connectionFailuresAreOutagesAndOtherDatabaseErrorsAreNot() {
        assertThat(Outages.isOutage(new SQLTransientConnectionException("hukz-db - Connection is not available, request timed out"))).isTrue();
        assertThat(Outages.isOutage(new DataAccessException(new SQLException("Connection refused", "08001")))).isTrue();
        assertThat(Outages.isOutage(new DataAccessException(new SQLException("I/O error", "08006")))).isTrue();
        assertThat(Outages.isOutage(new DataAccessException(new SQLException("terminating connection", "57P01")))).isTrue();
        assertThat(Outages.isOutage(new DataAccessException(new SQLException("Connection is closed")))).isTrue();
        assertThat(Outages.isOutage(new IllegalStateException(new ConnectException("Connection refused")))).isTrue();

        assertThat(Outages.isOutage(new DataAccessException(new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(Outages.isOutage(new DataAccessException(new SQLException("syntax error", "42601")))).isFalse();
        assertThat(Outages.isOutage(new NullPointerException())).isFalse();
    }

    @Test
    void manyFailedTriesMakeOneWarningAndTheReturnOneInfoWithWhatWaited() {
        OutageTracker tracker = new OutageTracker("database", new SimpleMeterRegistry());
        AtomicLong waiting = new AtomicLong(7);
        tracker.countWaitingWith(waiting::get);
        try (CapturedLog log = new CapturedLog()) {
            for (int i = 0; i < 100; i++) {
                assertThat(tracker.failed(new SQLTransientConnectionException("timed out"))).isTrue();
            }
            assertThat(tracker.isDown()).isTrue();
            waiting.addAndGet(3); // came during the outage
            tracker.up();
            tracker.up();
            assertThat(tracker.isDown()).isFalse();
            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).startsWith("WARN").contains("database unreachable");
            assertThat(log.lines().get(1)).startsWith("INFO").contains("database is back after").contains("10 message(s) waited");
        }
    }

    @Test
    void aBugIsNotAnOutage() {
        OutageTracker tracker = new OutageTracker("database", new SimpleMeterRegistry());
        try (CapturedLog log = new CapturedLog()) {
            assertThat(tracker.failed(new DataAccessException(new SQLException("division by zero", "22012")))).isFalse();
            assertThat(tracker.isDown()).isFalse();
            assertThat(log.lines()).isEmpty();
        }
    }
}
