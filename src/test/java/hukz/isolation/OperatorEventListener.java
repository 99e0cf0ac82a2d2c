package hukz.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.TestNats;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An application subscribed to hukz's operator events (SPEC §9), as an operator's tool would be. */
final class OperatorEventListener implements AutoCloseable {
    record Event(String subject, String msgId, JsonNode body) {
    }

    private final Connection connection;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    OperatorEventListener(String prefix) {
        try {
            connection = Nats.connect(TestNats.shared().url());
            connection.createDispatcher(this::received).subscribe(prefix + ">");
            connection.flush(java.time.Duration.ofSeconds(5));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void received(Message m) {
        String id = m.getHeaders() == null ? null : m.getHeaders().getFirst("Nats-Msg-Id");
        events.add(new Event(m.getSubject(), id, FlowKit.json(new String(m.getData(), StandardCharsets.UTF_8))));
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> about(long webhookId) {
        return events.stream().filter(e -> e.body().get("webhook_id").asLong() == webhookId).toList();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
