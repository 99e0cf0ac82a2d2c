package hukz.health;

import io.nats.client.Connection;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What keeps hukz from doing its job right now, part by part: null while the part is fine, otherwise a short
 * reason without connection details. The Camel health checks {@link DatabaseCheck} and {@link NatsCheck} report
 * these parts; the {@code hukz_consumer_active} metric reads {@link #natsProblem()}. Nothing here logs; the outage
 * trackers say it once.
 */
public final class Readiness {
    public static final Duration DATABASE_BUDGET = Duration.ofSeconds(2);
    /**
     * How long the background {@code SELECT 1} may wait on a connection that has gone silent (no reset, no
     * answer): checks run one at a time, so one that hung for ever would hold every later one. Longer than the
     * budget, so a database that is merely slow is not counted as an outage.
     */
    static final Duration DATABASE_SILENCE_LIMIT = Duration.ofSeconds(10);
    private final DataSource dataSource;
    private final OutageTracker database;
    private final Connection nats;
    private final Consumption consumption;
    private CompletableFuture<Void> databaseCheck;
    private long databaseCheckStarted;

    public Readiness(DataSource dataSource, OutageTracker database, Connection nats, Consumption consumption) {
        this.dataSource = dataSource;
        this.database = database;
        this.nats = nats;
        this.consumption = consumption;
    }

    /** Null while messages are being taken: a connected client and a live subscription or durable consumer. */
    public String natsProblem() {
        if (nats.getStatus() != Connection.Status.CONNECTED) {
            return String.valueOf(nats.getStatus()).toLowerCase();
        }
        return consumption.problem();
    }

    /**
     * Null when the database answers {@code SELECT 1} within {@link #DATABASE_BUDGET} of the check's start. The
     * pool would wait its whole connection timeout for a database that is gone, longer than any probe waits for
     * its answer; so the check runs on {@code executor}, goes on in the background when the budget is spent, and
     * tells the outage tracker how it ended. While one check is still waiting, callers share it rather than start
     * another: an outage never piles up threads or connection attempts, one per probe.
     */
    public synchronized String databaseProblem(Executor executor) {
        if (databaseCheck == null || databaseCheck.isDone()) {
            databaseCheck = CompletableFuture.runAsync(() -> selectOne(executor), executor);
            databaseCheckStarted = System.nanoTime();
        }
        long left = DATABASE_BUDGET.toNanos() - (System.nanoTime() - databaseCheckStarted);
        try {
            databaseCheck.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            return null;
        } catch (TimeoutException e) {
            return database.isDown() ? "unreachable" : "no answer within " + DATABASE_BUDGET.toSeconds() + "s";
        } catch (ExecutionException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable";
        }
    }

    private void selectOne(Executor executor) {
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            c.setNetworkTimeout(executor, (int) DATABASE_SILENCE_LIMIT.toMillis());
            st.setQueryTimeout((int) DATABASE_BUDGET.toSeconds());
            st.execute("SELECT 1");
            database.up();
        } catch (SQLException e) {
            database.failed(e);
            throw new CompletionException(e);
        }
    }
}
