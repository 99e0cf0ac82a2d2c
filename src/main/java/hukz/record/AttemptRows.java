package hukz.record;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.store.AttemptRecord;

import java.util.List;
import java.util.Map;

/**
 * A batch of attempt outcomes as the one JSON parameter of the record route's SQL (routes/record.camel.yaml):
 * an array with one object per attempt, its keys named as the webhook_logs and deliveries columns they fill,
 * so the SQL in the YAML picks what it logs from them by name.
 */
public final class AttemptRows {
    public String json(List<AttemptRecord> batch) {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        for (AttemptRecord a : batch) {
            ObjectNode row = rows.addObject();
            // 0: an attempt of no stored delivery; its log row names none
            row.put("delivery_id", a.deliveryId() == 0 ? null : a.deliveryId());
            row.put("attempt", a.attempt());
            row.put("status", a.status());
            row.put("next_attempt_at", a.nextAttemptAt() == null ? null : a.nextAttemptAt().toString());
            row.put("webhook_id", a.webhookId());
            row.put("created_by_id", a.webhookCreatedById());
            row.put("event", a.event());
            row.put("url", a.url());
            // JSON texts, kept as sent and received: the SQL casts them, so the log shows them byte for byte
            row.put("data", a.data());
            row.put("response_body", a.responseBodyJson());
            row.put("response_status_code", a.responseStatusCode());
            row.set("tags", Json.MAPPER.valueToTree(a.tags() == null ? Map.of() : a.tags()));
            row.put("message_id", a.messageId());
            row.put("duration_ms", (int) Math.min(Integer.MAX_VALUE, a.durationMs()));
            row.put("error", a.error());
        }
        return Json.write(rows);
    }
}
