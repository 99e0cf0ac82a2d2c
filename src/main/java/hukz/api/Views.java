package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import hukz.Json;
import hukz.ingest.Envelope;
import hukz.store.CircuitState;
import hukz.store.Delivery;
import hukz.store.Event;
import hukz.store.Page;
import hukz.store.Webhook;
import hukz.store.WebhookLog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The JSON shapes of the API (the original's field names). A webhook's secrets are never written here. */
public final class Views {
    private Views() {
    }

    public static <T> ObjectNode page(Page<T> page, Function<T, JsonNode> view) {
        ObjectNode root = Json.object();
        root.put("total", page.total());
        ArrayNode nodes = root.putArray("nodes");
        page.nodes().forEach(n -> nodes.add(view.apply(n)));
        return root;
    }

    public static ObjectNode event(Event e) {
        ObjectNode n = Json.object();
        n.put("id", e.id());
        base(n, e.createdAt(), e.updatedAt(), e.createdById(), e.updatedById());
        n.put("name", e.name());
        n.put("event", e.event());
        n.set("tags", map(e.tags()));
        return n;
    }

    /** A webhook with its read-only {@code health}: the circuit of SPEC §8. */
    public static ObjectNode webhook(Webhook w, CircuitState circuit) {
        ObjectNode n = webhook(w);
        if (w.rateLimit() == null) {
            n.putNull("rate_limit");
        } else {
            n.put("rate_limit", w.rateLimit());
        }
        n.put("max_in_flight", w.maxInFlight());
        ObjectNode health = n.putObject("health");
        health.put("circuit", circuit.circuit());
        health.put("consecutive_failures", circuit.consecutiveFailures());
        health.put("failing_since", time(circuit.failingSince()));
        health.put("next_probe_at", circuit.closed() ? null : time(circuit.nextProbeAt()));
        return n;
    }

    public static ObjectNode webhook(Webhook w) {
        ObjectNode n = Json.object();
        n.put("id", w.id());
        base(n, w.createdAt(), w.updatedAt(), w.createdById(), w.updatedById());
        n.put("name", w.name());
        n.put("url", w.url());
        n.put("enabled", w.enabled());
        n.put("disabled_reason", w.disabledReason());
        n.set("space_id", spaceId(w.spaceId()));
        n.set("tags", map(w.tags()));
        n.set("headers", map(HeaderMask.masked(w.headers())));
        n.put("format", w.format());
        ArrayNode ids = n.putArray("event_ids");
        ArrayNode events = n.putArray("events");
        for (Event e : w.events()) {
            ids.add(e.id());
            events.add(event(e));
        }
        return n;
    }

    public static ObjectNode log(WebhookLog l) {
        ObjectNode n = Json.object();
        n.put("id", l.id());
        n.put("created_at", time(l.createdAt()));
        n.put("created_by_id", l.createdById());
        n.put("event", l.event());
        n.put("url", l.url());
        n.put("response_status_code", l.responseStatusCode());
        putRawJson(n, "data", l.data());
        putRawJson(n, "response_body", l.responseBody());
        n.set("tags", map(l.tags()));
        n.put("webhook_id", l.webhookId());
        if (l.deliveryId() == null) {
            n.putNull("delivery_id");
        } else {
            n.put("delivery_id", l.deliveryId());
        }
        n.put("message_id", l.messageId());
        n.put("attempt", l.attempt());
        n.put("duration_ms", l.durationMs());
        n.put("error", l.error());
        return n;
    }

    public static ObjectNode delivery(Delivery d) {
        ObjectNode n = Json.object();
        n.put("id", d.id());
        n.put("created_at", time(d.createdAt()));
        n.put("updated_at", time(d.updatedAt()));
        n.put("webhook_id", d.webhookId());
        n.put("message_id", d.messageId());
        n.put("event", d.event());
        n.put("status", d.status());
        n.put("attempt_count", d.attempts());
        n.put("next_attempt_at", Delivery.PENDING.equals(d.status()) ? time(d.nextAttemptAt()) : null);
        if (d.lastStatusCode() == null) {
            n.putNull("last_status_code");
        } else {
            n.put("last_status_code", d.lastStatusCode());
        }
        n.put("last_error", d.lastError());
        putRawJson(n, "data", d.payload());
        return n;
    }

    public static ObjectNode delivery(Delivery d, List<WebhookLog> attempts) {
        ObjectNode n = delivery(d);
        ArrayNode list = n.putArray("attempts");
        attempts.forEach(a -> list.add(log(a)));
        return n;
    }

    private static void base(ObjectNode n, Instant created, Instant updated, long createdBy, long updatedBy) {
        n.put("created_at", time(created));
        n.put("updated_at", time(updated));
        n.putNull("deleted_at");
        n.put("created_by_id", createdBy);
        n.put("updated_by_id", updatedBy);
    }

    static JsonNode spaceId(String spaceId) {
        if (spaceId == null) {
            return Json.MAPPER.nullNode();
        }
        if (spaceId.matches("\\d{1,18}")) {
            return Json.MAPPER.getNodeFactory().numberNode(Long.parseLong(spaceId));
        }
        return Json.MAPPER.getNodeFactory().textNode(spaceId);
    }

    private static ObjectNode map(Map<String, String> map) {
        ObjectNode n = Json.object();
        map.forEach(n::put);
        return n;
    }

    /** Stored JSON goes out byte for byte, so a log's data is exactly the body that was signed. */
    private static void putRawJson(ObjectNode n, String field, String json) {
        if (json == null) {
            n.putNull(field);
        } else {
            n.putRawValue(field, new RawValue(json));
        }
    }

    public static String time(Instant instant) {
        return instant == null ? null : Envelope.timestamp(instant);
    }
}
