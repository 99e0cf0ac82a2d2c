package hukz.config;

import hukz.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes webhook_logs older than log_retention_days (and expired message-id memories). */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final DeliveryStore deliveries;
    private final int days;

    public Retention(DeliveryStore deliveries, int days) {
        this.deliveries = deliveries;
        this.days = days;
    }

    public void run() {
        int deleted = deliveries.deleteLogsOlderThan(days);
        if (deleted > 0) {
            LOG.info("deleted {} webhook_logs older than {} days", deleted, days);
        }
    }
}
