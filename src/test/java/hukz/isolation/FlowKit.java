package hukz.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hukz.support.Receiver;
import hukz.support.TestHukz;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** What the flow-control tests share: metrics, webhook health, deliveries, latency percentiles. */
final class FlowKit {
    private static final AtomicInteger SUBJECTS = new AtomicInteger();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FlowKit() {
    }

    static String subject(String prefix) {
        return prefix + "." + SUBJECTS.incrementAndGet() + "x" + System.nanoTime() % 100000;
    }

    /** The sum of a metric's samples whose line starts with {@code prefix} (name and any labels). */
    static double metric(TestHukz hukz, String prefix) {
        return hukz.api.get("/metrics").text().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static JsonNode health(TestHukz hukz, long webhookId) {
        return hukz.api.get("/webhooks/" + webhookId).json().get("health");
    }

    static List<JsonNode> deliveries(TestHukz hukz, long webhookId) {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 1; page <= 50; page++) {
            JsonNode nodes = hukz.api.get("/deliveries?limit=100&page=" + page + "&webhook_id=" + webhookId).json().get("nodes");
            nodes.forEach(all::add);
            if (nodes.size() < 100) {
                break;
            }
        }
        return all;
    }

    static long count(TestHukz hukz, long webhookId, String status) {
        return hukz.api.get("/deliveries?limit=1&status=" + status + "&webhook_id=" + webhookId).json().get("total").asLong();
    }

    /** Publish-to-receipt latencies in ms of requests whose payload carries {@code "sent": <epoch ms>}. */
    static List<Long> latencies(Receiver receiver) {
        List<Long> out = new ArrayList<>();
        for (Receiver.Request r : receiver.requests()) {
            out.add(r.receivedAtMillis() - json(r.body()).get("payload").get("sent").asLong());
        }
        return out;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
