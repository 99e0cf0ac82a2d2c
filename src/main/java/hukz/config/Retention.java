package hukz.config;

import hukz.health.OutageTracker;
import hukz.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes webhook_logs older than log_retention_days (and expired message-id memories). */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final DeliveryStore deliveries;
    private final int days;
    private final OutageTracker database;

    public Retention(DeliveryStore deliveries, int days, OutageTracker database) {
        this.deliveries = deliveries;
        this.days = days;
        this.database = database;
    }

    /** During a database outage there is nothing to do: the next run (an hour later) deletes what is due. */
    public void run() {
        int deleted;
        try {
            deleted = deliveries.deleteLogsOlderThan(days);
            database.up();
        } catch (RuntimeException e) {
            if (database.failed(e)) {
                return;
            }
            throw e;
        }
        if (deleted > 0) {
            LOG.info("deleted {} webhook_logs older than {} days", deleted, days);
        }
    }
}
