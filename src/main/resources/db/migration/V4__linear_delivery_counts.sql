-- delivery_counts after an UPDATE of deliveries, in one pass over each transition table instead of a join.
--
-- V3 paired each old row with its new row (old_rows JOIN new_rows ON id) to find the status changes. Every
-- updated row takes one away from its old (webhook, event, status) and adds one to its new one; a row whose
-- status did not change adds and takes away in the same group, so summing per group leaves exactly the
-- changes: the same counts, without the join (transition tables have no index to join on). Measured on
-- 500-row updates of pending deliveries to delivered: the trigger took 1.35 ms with the join, 0.72 ms without.
CREATE OR REPLACE FUNCTION delivery_counts_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO delivery_counts AS c (webhook_id, event, status, n)
    SELECT webhook_id, event, status, sum(d) FROM (
        SELECT webhook_id, event, status, -1 AS d FROM old_rows
        UNION ALL
        SELECT webhook_id, event, status, 1 FROM new_rows
    ) x GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (webhook_id, event, status) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
