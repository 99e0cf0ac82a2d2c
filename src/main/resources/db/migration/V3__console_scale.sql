-- What the console needs to stay fast with millions of rows: exact totals without counting millions of
-- rows, and list pages read from indexes.
--
-- Totals come from counter tables kept by statement-level triggers (one upsert per statement, over its
-- transition table, so a batch of a thousand attempts costs one statement, not a thousand). The upserts
-- take their rows in key order, so two transactions that touch the same counters lock them in the same
-- order and cannot deadlock.

-- Attempts per hour and per everything GET /webhooks/logs filters on. A total is the sum of the full
-- hours in the range plus an exact count of the rows in the (at most two) partial hours at its ends.
CREATE TABLE webhook_log_counts (
    created_by_id BIGINT NOT NULL,
    hour          TIMESTAMPTZ NOT NULL,
    webhook_id    BIGINT NOT NULL,
    event         TEXT NOT NULL,
    success       BOOLEAN NOT NULL,
    tags          JSONB NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (created_by_id, hour, webhook_id, event, success, tags)
);

-- Deliveries per webhook, event and status (the filters of GET /deliveries; its tag filter joins webhooks).
CREATE TABLE delivery_counts (
    webhook_id BIGINT NOT NULL,
    event      TEXT NOT NULL,
    status     TEXT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (webhook_id, event, status)
);

-- One function per operation: a transition table exists only for the operations its trigger names.
CREATE FUNCTION webhook_log_counts_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO webhook_log_counts AS c (created_by_id, hour, webhook_id, event, success, tags, n)
    SELECT created_by_id, date_trunc('hour', created_at, 'UTC'), webhook_id, event,
           response_status_code BETWEEN 200 AND 299, tags, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (created_by_id, hour, webhook_id, event, success, tags) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Retention deletes whole old hours: their counters reach zero and go.
CREATE FUNCTION webhook_log_counts_delete() RETURNS trigger AS $$
BEGIN
    INSERT INTO webhook_log_counts AS c (created_by_id, hour, webhook_id, event, success, tags, n)
    SELECT created_by_id, date_trunc('hour', created_at, 'UTC'), webhook_id, event,
           response_status_code BETWEEN 200 AND 299, tags, -count(*)
    FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (created_by_id, hour, webhook_id, event, success, tags) DO UPDATE SET n = c.n + excluded.n;
    DELETE FROM webhook_log_counts WHERE n = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER webhook_logs_count_insert AFTER INSERT ON webhook_logs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_log_counts_insert();
CREATE TRIGGER webhook_logs_count_delete AFTER DELETE ON webhook_logs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_log_counts_delete();

CREATE FUNCTION delivery_counts_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO delivery_counts AS c (webhook_id, event, status, n)
    SELECT webhook_id, event, status, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (webhook_id, event, status) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION delivery_counts_update() RETURNS trigger AS $$
BEGIN
    -- Most updates (leases, attempt counts) leave the status alone and change no counter; a delivery's
    -- webhook and event never change.
    INSERT INTO delivery_counts AS c (webhook_id, event, status, n)
    SELECT webhook_id, event, status, sum(d) FROM (
        SELECT o.webhook_id, o.event, o.status, -1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.status <> o.status
        UNION ALL
        SELECT n.webhook_id, n.event, n.status, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.status <> o.status
    ) x GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (webhook_id, event, status) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION delivery_counts_delete() RETURNS trigger AS $$
BEGIN
    INSERT INTO delivery_counts AS c (webhook_id, event, status, n)
    SELECT webhook_id, event, status, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (webhook_id, event, status) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER deliveries_count_insert AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_insert();
CREATE TRIGGER deliveries_count_update AFTER UPDATE ON deliveries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_update();
CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_delete();

-- Counters for rows already there (an upgrade).
INSERT INTO webhook_log_counts (created_by_id, hour, webhook_id, event, success, tags, n)
SELECT created_by_id, date_trunc('hour', created_at, 'UTC'), webhook_id, event, response_status_code BETWEEN 200 AND 299, tags, count(*)
FROM webhook_logs GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO delivery_counts (webhook_id, event, status, n)
SELECT webhook_id, event, status, count(*) FROM deliveries GROUP BY 1, 2, 3;

-- A caller's logs newest first, with every column the filters and /stats read, so pages, the partial
-- hours of a total and /stats are index-only scans. It replaces webhook_logs_user.
CREATE INDEX webhook_logs_user_time ON webhook_logs (created_by_id, created_at DESC, id DESC)
    INCLUDE (webhook_id, event, response_status_code, duration_ms, tags);
DROP INDEX webhook_logs_user;

-- GET /deliveries?message_id= (what a receiver quotes), and a caller's pending deliveries for /stats.
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_pending ON deliveries (webhook_id, created_at) WHERE status = 'pending';
-- Pages of GET /deliveries by status or event, newest first: a rare status (failed) or event is found
-- without walking past the common ones. (Every index here is written again by each update of a delivery,
-- so there is one per filter and no more.)
CREATE INDEX deliveries_status ON deliveries (status, id DESC);
CREATE INDEX deliveries_event ON deliveries (event, id DESC);
