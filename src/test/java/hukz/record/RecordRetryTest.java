package hukz.record;

import hukz.health.OutageTracker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The record route's retryWhile: which failed batches are tried again. */
class RecordRetryTest {
    private final OutageTracker database = new OutageTracker("database", new SimpleMeterRegistry());
    private final AttemptRecorder recorder = new AttemptRecorder(null, null, database);
    private final SQLException outage = new SQLException("connection refused", "08001", new ConnectException("refused"));
    private final SQLException bug = new SQLException("column \"x\" does not exist", "42703");

    @Test
    void anOutageIsWaitedOutForAsLongAsItLasts() {
        assertThat(recorder.retry(outage, 0)).isTrue();
        assertThat(recorder.retry(outage, 10_000)).isTrue();
        assertThat(database.isDown()).as("the outage is reported to the tracker").isTrue();
    }

    @Test
    void anyOtherErrorGetsAFewTries() {
        assertThat(recorder.retry(bug, null)).isTrue();
        assertThat(recorder.retry(bug, 1)).isTrue();
        assertThat(recorder.retry(bug, 2)).isFalse();
        assertThat(database.isDown()).isFalse();
    }

    @Test
    void atShutdownAnOutageIsNoLongerWaitedOut() {
        recorder.shuttingDown();
        assertThat(recorder.retry(outage, 0)).isFalse();
        assertThat(recorder.retry(bug, 0)).as("what is queued is still written when the database is there").isTrue();
    }
}
