package hukz.store;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * All SQL on webhook_flow: circuits, probes and the rate-limit token buckets. Every decision that more
 * than one instance could take at once is one row locked in PostgreSQL, so instances agree.
 */
public final class FlowStore {
    private final Db db;

    public FlowStore(Db db) {
        this.db = db;
    }

    /** Webhooks whose circuit is open or half open. */
    public Set<Long> notClosed() {
        return new HashSet<>(db.query("SELECT webhook_id FROM webhook_flow WHERE circuit <> 'closed'", rs -> rs.getLong(1)));
    }

    public CircuitState circuit(long webhookId) {
        return db.queryOne("SELECT circuit, consecutive_failures, failing_since, next_probe_at, cooldown_ms FROM webhook_flow "
                + "WHERE webhook_id = ?", FlowStore::map, webhookId).orElse(CircuitState.INITIAL);
    }

    /** Circuits of several webhooks (those without a row are closed). */
    public Map<Long, CircuitState> circuits(List<Long> webhookIds) {
        Map<Long, CircuitState> found = new HashMap<>();
        db.query("SELECT webhook_id, circuit, consecutive_failures, failing_since, next_probe_at, cooldown_ms FROM webhook_flow "
                + "WHERE webhook_id = ANY (?)", rs -> found.put(rs.getLong("webhook_id"), map(rs)), (Object) webhookIds.toArray(Long[]::new));
        return found;
    }

    /**
     * Changes a webhook's circuit under a row lock, so concurrent outcomes from several instances are applied
     * one after the other; answers the state before and after.
     */
    public CircuitState[] updateCircuit(long webhookId, UnaryOperator<CircuitState> change) {
        return db.inTransaction(() -> {
            db.update("INSERT INTO webhook_flow (webhook_id) VALUES (?) ON CONFLICT DO NOTHING", webhookId);
            CircuitState before = db.queryOne("SELECT circuit, consecutive_failures, failing_since, next_probe_at, cooldown_ms "
                    + "FROM webhook_flow WHERE webhook_id = ? FOR UPDATE", FlowStore::map, webhookId).orElseThrow();
            CircuitState after = change.apply(before);
            if (!after.equals(before)) {
                db.update("UPDATE webhook_flow SET circuit = ?, consecutive_failures = ?, failing_since = ?, next_probe_at = ?, "
                                + "cooldown_ms = ? WHERE webhook_id = ?", after.circuit(), after.consecutiveFailures(), after.failingSince(),
                        after.nextProbeAt(), after.cooldownMs(), webhookId);
            }
            return new CircuitState[]{before, after};
        });
    }

    /**
     * Successes of webhooks whose circuit this instance believes closed: clears their failure count in one
     * statement, which changes nothing (and costs an index lookup) when they were clean already.
     */
    public void clearFailures(List<Long> webhookIds) {
        if (!webhookIds.isEmpty()) {
            db.update("UPDATE webhook_flow SET consecutive_failures = 0, failing_since = NULL WHERE webhook_id = ANY (?) "
                    + "AND circuit = 'closed' AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)", (Object) webhookIds.toArray(Long[]::new));
        }
    }

    /**
     * Claims the probes that are due: open circuits whose wait is over and that have a due delivery, and
     * half-open ones whose probe lease ran out (its instance died). Each is claimed by one instance only:
     * the row moves to half_open with the probe leased until {@code now + lease}.
     */
    public List<Long> claimProbes(Duration lease) {
        return db.query("UPDATE webhook_flow f SET circuit = 'half_open', next_probe_at = now() + ?::interval WHERE f.webhook_id IN ("
                        + "SELECT webhook_id FROM webhook_flow WHERE circuit <> 'closed' AND next_probe_at <= now() "
                        + "FOR UPDATE SKIP LOCKED) AND EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = f.webhook_id "
                        + "AND d.status = 'pending' AND d.next_attempt_at <= now()) RETURNING f.webhook_id",
                rs -> rs.getLong(1), lease.toMillis() + " milliseconds");
    }

    /** An operator asked for the webhook's deliveries now (retry, recover): an open circuit probes at once. */
    public void probeNow(long webhookId) {
        db.update("UPDATE webhook_flow SET next_probe_at = now() WHERE webhook_id = ? AND circuit = 'open'", webhookId);
    }

    /** A claimed probe that found nothing to send: the circuit stays open and may probe again at once. */
    public void releaseProbe(long webhookId) {
        db.update("UPDATE webhook_flow SET circuit = 'open', next_probe_at = now() WHERE webhook_id = ? AND circuit = 'half_open'", webhookId);
    }

    /** What a rate limit granted: how many attempts may go now, and when its next token comes. */
    public record Grant(int granted, Instant nextToken) {
    }

    /**
     * Takes up to {@code wanted} of the webhook's tokens: a bucket refilled at {@code limit} per second on the
     * database's clock, shared by every instance, holding at most a quarter second's worth (at least one), so a
     * burst is spread at the limit from its start and no second sees more than 1.25 times the limit.
     */
    public Grant takeRate(long webhookId, int limit, int wanted) {
        double capacity = Math.max(1, Math.ceil(limit / 4.0));
        return db.inTransaction(() -> {
            db.update("INSERT INTO webhook_flow (webhook_id) VALUES (?) ON CONFLICT DO NOTHING", webhookId);
            return db.queryOne("WITH old AS (SELECT least(?::float8, coalesce(f.rate_tokens, ?::float8) "
                            + "+ extract(epoch FROM clock_timestamp() - coalesce(f.rate_at, clock_timestamp())) * ?::float8) AS tokens, "
                            + "clock_timestamp() AS t FROM webhook_flow f WHERE f.webhook_id = ? FOR UPDATE OF f), "
                            + "g AS (SELECT tokens, t, least(?::int, floor(tokens)::int) AS granted FROM old) "
                            + "UPDATE webhook_flow f SET rate_tokens = g.tokens - g.granted, rate_at = g.t FROM g WHERE f.webhook_id = ? "
                            + "RETURNING g.granted, g.t + make_interval(secs => greatest(0, 1 - (g.tokens - g.granted)) / ?::float8) AS next",
                    rs -> new Grant(rs.getInt("granted"), Db.instant(rs, "next")),
                    capacity, capacity, limit, webhookId, wanted, webhookId, limit).orElseThrow();
        });
    }

    private static CircuitState map(java.sql.ResultSet rs) throws java.sql.SQLException {
        long cooldown = rs.getLong("cooldown_ms");
        Long cooldownMs = rs.wasNull() ? null : cooldown;
        return new CircuitState(rs.getString("circuit"), rs.getInt("consecutive_failures"), Db.instant(rs, "failing_since"),
                Db.instant(rs, "next_probe_at"), cooldownMs);
    }
}
