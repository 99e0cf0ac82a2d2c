-- Events and webhooks as the original hukz has them, plus what durable delivery needs:
-- deliveries are rows (one per message x webhook) and every attempt is a webhook_logs row.

CREATE TABLE events (
    id            BIGSERIAL PRIMARY KEY,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at    TIMESTAMPTZ,
    created_by_id BIGINT NOT NULL,
    updated_by_id BIGINT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    event         TEXT NOT NULL,
    tags          JSONB NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX events_event_unique ON events (lower(event)) WHERE deleted_at IS NULL;
CREATE INDEX events_tags ON events USING gin (tags);

CREATE TABLE webhooks (
    id                    BIGSERIAL PRIMARY KEY,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at            TIMESTAMPTZ,
    created_by_id         BIGINT NOT NULL,
    updated_by_id         BIGINT NOT NULL,
    name                  TEXT NOT NULL DEFAULT '',
    url                   TEXT NOT NULL,
    enabled               BOOLEAN NOT NULL DEFAULT true,
    disabled_reason       TEXT,
    tags                  JSONB NOT NULL DEFAULT '{}',
    space_id              TEXT,
    secret                TEXT NOT NULL,
    previous_secret       TEXT,
    previous_secret_until TIMESTAMPTZ,
    headers               JSONB NOT NULL DEFAULT '{}',
    format                TEXT NOT NULL DEFAULT 'json'
);
CREATE INDEX webhooks_space ON webhooks (space_id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_tags ON webhooks USING gin (tags);

CREATE TABLE webhook_events (
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id),
    event_id   BIGINT NOT NULL REFERENCES events (id),
    PRIMARY KEY (webhook_id, event_id)
);
CREATE INDEX webhook_events_event ON webhook_events (event_id);

-- Bumped by every change to events, webhooks or their links, so each instance knows when its
-- in-memory copy of the routing table is stale.
CREATE TABLE routing_version (
    id      INT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO routing_version VALUES (1, 1);

CREATE FUNCTION bump_routing_version() RETURNS trigger AS $$
BEGIN
    UPDATE routing_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_routing AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_routing_version();
CREATE TRIGGER webhooks_routing AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_routing_version();
CREATE TRIGGER webhook_events_routing AFTER INSERT OR UPDATE OR DELETE ON webhook_events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_routing_version();

-- Nats-Msg-Id values seen in the last 24 hours: a message seen again creates no deliveries.
CREATE TABLE message_ids (
    message_id TEXT PRIMARY KEY,
    seen_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One message to one webhook. status: pending -> delivered | failed.
-- next_attempt_at is also the lease: a worker that takes a delivery pushes it forward, so a crash
-- leaves the delivery due again once the lease runs out.
CREATE TABLE deliveries (
    id              BIGSERIAL PRIMARY KEY,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id),
    message_id      TEXT NOT NULL,
    event           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    last_status_code INT,
    last_error      TEXT
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);

CREATE TABLE webhook_logs (
    id                   BIGSERIAL PRIMARY KEY,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by_id        BIGINT NOT NULL,
    event                TEXT NOT NULL,
    url                  TEXT NOT NULL,
    response_status_code INT NOT NULL DEFAULT 0,
    data                 JSON,
    response_body        JSON,
    tags                 JSONB NOT NULL DEFAULT '{}',
    webhook_id           BIGINT NOT NULL,
    delivery_id          BIGINT,
    message_id           TEXT,
    attempt              INT NOT NULL DEFAULT 1,
    duration_ms          INT NOT NULL DEFAULT 0,
    error                TEXT
);
CREATE INDEX webhook_logs_user ON webhook_logs (created_by_id, id DESC);
CREATE INDEX webhook_logs_webhook ON webhook_logs (webhook_id, id DESC);
CREATE INDEX webhook_logs_delivery ON webhook_logs (delivery_id);
CREATE INDEX webhook_logs_created ON webhook_logs (created_at);
