-- deliveries.webhook_id no longer references webhooks(id).
--
-- A webhook is never removed from webhooks (DELETE /webhooks/{id} sets deleted_at, and its deliveries stay with their
-- logs), so the reference guarded against nothing hukz does, and it cost every stored delivery a look-up of its
-- webhook row and a row lock on it (FOR KEY SHARE, which rewrites the webhook's row header and, with two instances
-- storing for one webhook at once, makes a multixact of it). Measured on 100-row INSERTs like ingest's: 8 µs of
-- PostgreSQL time per row, about a twentieth of all the database work a delivery costs under load.
-- A delivery whose webhook row is gone (removed by hand) is never claimed by the retry poller, which joins webhooks.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_webhook_id_fkey;
