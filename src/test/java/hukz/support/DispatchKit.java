package hukz.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/** What the dispatch integration tests share: reading JSON, waiting on receivers and the API, counting rows. */
public final class DispatchKit {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final Duration WAIT = Duration.ofSeconds(15);
    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    private DispatchKit() {
    }

    /** A subject no other test uses: {@code prefix.<n>}. */
    public static String subject(String prefix) {
        return prefix + "." + SUBJECTS.incrementAndGet() + "x" + System.nanoTime() % 100000;
    }

    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    public static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    public static List<Receiver.Request> awaitRequests(Receiver receiver, int n) {
        await().atMost(WAIT).until(() -> receiver.count() >= n);
        return receiver.requests();
    }

    /** The webhook's attempts, oldest first, once there are {@code n} of them. */
    public static List<JsonNode> awaitLogs(TestHukz hukz, long webhookId, int n) {
        await().atMost(WAIT).until(() -> logs(hukz, webhookId).size() >= n);
        return logs(hukz, webhookId);
    }

    public static List<JsonNode> logs(TestHukz hukz, long webhookId) {
        JsonNode page = hukz.api.get("/webhooks/logs?limit=100&webhook_id=" + webhookId).json();
        List<JsonNode> rows = new ArrayList<>();
        page.get("nodes").forEach(rows::add);
        java.util.Collections.reverse(rows);
        return rows;
    }

    public static List<JsonNode> deliveries(TestHukz hukz, long webhookId) {
        JsonNode page = hukz.api.get("/deliveries?limit=100&webhook_id=" + webhookId).json();
        List<JsonNode> rows = new ArrayList<>();
        page.get("nodes").forEach(rows::add);
        java.util.Collections.reverse(rows);
        return rows;
    }

    public static JsonNode delivery(TestHukz hukz, long deliveryId) {
        return hukz.api.get("/deliveries/" + deliveryId).json();
    }

    /** Waits until the webhook's only delivery is in {@code status} and answers it with its attempts. */
    public static JsonNode awaitOnlyDelivery(TestHukz hukz, long webhookId, String status) {
        await().atMost(WAIT).until(() -> {
            List<JsonNode> list = deliveries(hukz, webhookId);
            return list.size() == 1 && list.get(0).get("status").asText().equals(status);
        });
        return delivery(hukz, deliveries(hukz, webhookId).get(0).get("id").asLong());
    }

    public static long storedDeliveries(TestHukz hukz, long webhookId) {
        return Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE webhook_id = " + webhookId);
    }

    public static long id(JsonNode entity) {
        return entity.get("id").asLong();
    }

    /** Headers for the Standard Webhooks library with one chosen signature, to check a key on its own. */
    public static Map<String, List<String>> withSignature(Receiver.Request r, String signature) {
        return Map.of("webhook-id", List.of(r.header("webhook-id")), "webhook-timestamp", List.of(r.header("webhook-timestamp")),
                "webhook-signature", List.of(signature));
    }
}
