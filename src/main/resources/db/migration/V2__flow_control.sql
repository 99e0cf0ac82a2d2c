-- Flow control and isolation (SPEC §8).
-- What a user sets lives on the webhook: rate_limit (requests per second across all instances, null = none)
-- and max_in_flight (attempts at once per instance).
ALTER TABLE webhooks ADD COLUMN rate_limit INT CHECK (rate_limit BETWEEN 1 AND 10000);
ALTER TABLE webhooks ADD COLUMN max_in_flight INT NOT NULL DEFAULT 16 CHECK (max_in_flight BETWEEN 1 AND 1000);

-- What delivery learns about a webhook's receiver, shared by every instance. It is a table of its own, not
-- columns of webhooks: it changes with every failure and every second of a rate limit, and a change to
-- webhooks reloads every instance's routing table.
-- circuit: closed -> open (after circuit_failures consecutive failures) -> half_open (one probe claimed,
-- leased until next_probe_at) -> closed on success, or open again with twice the cooldown.
CREATE TABLE webhook_flow (
    webhook_id           BIGINT PRIMARY KEY REFERENCES webhooks (id),
    circuit              TEXT NOT NULL DEFAULT 'closed' CHECK (circuit IN ('closed', 'open', 'half_open')),
    consecutive_failures INT NOT NULL DEFAULT 0,
    failing_since        TIMESTAMPTZ,
    next_probe_at        TIMESTAMPTZ,
    cooldown_ms          BIGINT,
    last_success_at      TIMESTAMPTZ,
    -- the rate limit's token bucket (capacity and refill rate_limit per second): tokens left at rate_at
    rate_tokens          DOUBLE PRECISION,
    rate_at              TIMESTAMPTZ
);
CREATE INDEX webhook_flow_not_closed ON webhook_flow (webhook_id) WHERE circuit <> 'closed';

-- A webhook's due deliveries, oldest first: what a freed slot of that webhook takes next.
CREATE INDEX deliveries_webhook_due ON deliveries (webhook_id, next_attempt_at) WHERE status = 'pending';
