package hukz.store;

import hukz.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads webhook_logs; rows are written by {@link DeliveryStore} with the delivery state they belong to. */
public final class WebhookLogStore {
    private static final String COLUMNS = "id, created_at, created_by_id, event, url, response_status_code, data::text AS data, "
            + "response_body::text AS response_body, tags::text AS tags, webhook_id, delivery_id, message_id, attempt, duration_ms, error";
    private final Db db;

    public WebhookLogStore(Db db) {
        this.db = db;
    }

    public Page<WebhookLog> list(LogQuery q) {
        StringBuilder where = new StringBuilder(" FROM webhook_logs WHERE created_by_id = ? AND tags @> ?::jsonb");
        List<Object> params = new ArrayList<>();
        params.add(q.userId());
        params.add(q.list().tagsJson());
        if (q.event() != null) {
            where.append(" AND event = ?");
            params.add(q.event());
        }
        if (q.webhookId() != null) {
            where.append(" AND webhook_id = ?");
            params.add(q.webhookId());
        }
        if (q.success() != null) {
            where.append(q.success() ? " AND response_status_code BETWEEN 200 AND 299" : " AND response_status_code NOT BETWEEN 200 AND 299");
        }
        if (q.since() != null) {
            where.append(" AND created_at >= ?");
            params.add(q.since());
        }
        if (q.until() != null) {
            where.append(" AND created_at <= ?");
            params.add(q.until());
        }
        long total = db.queryLong("SELECT count(*)" + where, params.toArray());
        params.add(q.list().limit());
        params.add(q.list().offset());
        return new Page<>(total, db.query("SELECT " + COLUMNS + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                WebhookLogStore::map, params.toArray()));
    }

    public List<WebhookLog> forDelivery(long deliveryId) {
        return db.query("SELECT " + COLUMNS + " FROM webhook_logs WHERE delivery_id = ? ORDER BY id", WebhookLogStore::map, deliveryId);
    }

    public Optional<WebhookLog> find(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM webhook_logs WHERE id = ?", WebhookLogStore::map, id);
    }

    static WebhookLog map(ResultSet rs) throws SQLException {
        long deliveryId = rs.getLong("delivery_id");
        Long delivery = rs.wasNull() ? null : deliveryId;
        return new WebhookLog(rs.getLong("id"), Db.instant(rs, "created_at"), rs.getLong("created_by_id"), rs.getString("event"),
                rs.getString("url"), rs.getInt("response_status_code"), rs.getString("data"), rs.getString("response_body"),
                Json.stringMap(rs.getString("tags")), rs.getLong("webhook_id"), delivery, rs.getString("message_id"),
                rs.getInt("attempt"), rs.getInt("duration_ms"), rs.getString("error"));
    }
}
