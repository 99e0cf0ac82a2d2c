package hukz.health;

import io.nats.client.Connection;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What keeps hukz from doing its job right now, by name ({@code database}, {@code nats}): empty while it can
 * store what it takes and is actually consuming. Nothing here logs; the outage trackers say it once.
 */
public final class Readiness {
    public static final Duration DATABASE_BUDGET = Duration.ofSeconds(2);
    private static final ExecutorService CHECKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hukz-ready-check");
        t.setDaemon(true);
        return t;
    });
    private final DataSource dataSource;
    private final OutageTracker database;
    private final Connection nats;
    private final Consumption consumption;

    public Readiness(DataSource dataSource, OutageTracker database, Connection nats, Consumption consumption) {
        this.dataSource = dataSource;
        this.database = database;
        this.nats = nats;
        this.consumption = consumption;
    }

    public Map<String, String> problems() {
        Map<String, String> problems = new LinkedHashMap<>();
        String db = databaseProblem();
        if (db != null) {
            problems.put("database", db);
        }
        String consuming = natsProblem();
        if (consuming != null) {
            problems.put("nats", consuming);
        }
        return problems;
    }

    /** Null while messages are being taken: a connected client and a live subscription or durable consumer. */
    public String natsProblem() {
        if (nats.getStatus() != Connection.Status.CONNECTED) {
            return String.valueOf(nats.getStatus()).toLowerCase();
        }
        return consumption.problem();
    }

    /**
     * Null when the database answers {@code SELECT 1} within {@link #DATABASE_BUDGET}. The pool would wait its
     * whole connection timeout for a database that is gone, longer than any probe waits for its answer; the
     * check goes on in the background and tells the outage tracker how it ended.
     */
    private String databaseProblem() {
        CompletableFuture<Void> check = CompletableFuture.runAsync(() -> {
            try (var c = dataSource.getConnection(); var st = c.createStatement()) {
                st.setQueryTimeout((int) DATABASE_BUDGET.toSeconds());
                st.execute("SELECT 1");
                database.up();
            } catch (SQLException e) {
                database.failed(e);
                throw new IllegalStateException(e);
            }
        }, CHECKS);
        try {
            check.get(DATABASE_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
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
}
