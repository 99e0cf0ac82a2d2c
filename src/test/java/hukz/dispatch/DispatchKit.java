package hukz.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/** What the dispatch integration tests share: reading JSON, waiting on receivers and the API, counting rows. */
final class DispatchKit {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    private DispatchKit() {
    }

    /** A subject no other test uses: {@code prefix.<n>}. */
    static String subject(String prefix) {
        return prefix + "." + SUBJECTS.incrementAndGet() + "x" + System.nanoTime() % 100000;
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<Receiver.Request> awaitRequests(Receiver receiver, int n) {
        await().atMost(WAIT).until(() -> receiver.count() >= n);
        return receiver.requests();
    }

    /** The webhook's attempts, oldest first, once there are {@code n} of them. */
    static List<JsonNode> awaitLogs(TestHukz hukz, long webhookId, int n) {
        await().atMost(WAIT).until(() -> logs(hukz, webhookId).size() >= n);
        return logs(hukz, webhookId);
    }

    static List<JsonNode> logs(TestHukz hukz, long webhookId) {
        JsonNode page = hukz.api.get("/webhooks/logs?limit=100&webhook_id=" + webhookId).json();
        List<JsonNode> rows = new ArrayList<>();
        page.get("nodes").forEach(rows::add);
        java.util.Collections.reverse(rows);
        return rows;
    }

    static List<JsonNode> deliveries(TestHukz hukz, long webhookId) {
        JsonNode page = hukz.api.get("/deliveries?limit=100&webhook_id=" + webhookId).json();
        List<JsonNode> rows = new ArrayList<>();
        page.get("nodes").forEach(rows::add);
        java.util.Collections.reverse(rows);
        return rows;
    }

    static JsonNode delivery(TestHukz hukz, long deliveryId) {
        return hukz.api.get("/deliveries/" + deliveryId).json();
    }

    /** Waits until the webhook's only delivery is in {@code status} and answers it with its attempts. */
    static JsonNode awaitOnlyDelivery(TestHukz hukz, long webhookId, String status) {
        await().atMost(WAIT).until(() -> {
            List<JsonNode> list = deliveries(hukz, webhookId);
            return list.size() == 1 && list.get(0).get("status").asText().equals(status);
        });
        return delivery(hukz, deliveries(hukz, webhookId).get(0).get("id").asLong());
    }

    static long storedDeliveries(TestHukz hukz, long webhookId) {
        return Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE webhook_id = " + webhookId);
    }

    static long id(JsonNode entity) {
        return entity.get("id").asLong();
    }

    /** Headers for the Standard Webhooks library with one chosen signature, to check a key on its own. */
    static Map<String, List<String>> withSignature(Receiver.Request r, String signature) {
        return Map.of("webhook-id", List.of(r.header("webhook-id")), "webhook-timestamp", List.of(r.header("webhook-timestamp")),
                "webhook-signature", List.of(signature));
    }
}
