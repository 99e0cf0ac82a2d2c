package hukz.record;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.Json;
import hukz.store.AttemptRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The record route's JSON parameter: one object per attempt, keyed by the columns its SQL fills. */
class AttemptRowsTest {
    @Test
    void eachAttemptIsAnObjectKeyedByColumnName() throws Exception {
        AttemptRecord retry = new AttemptRecord(7, 2, "pending", Instant.parse("2026-01-02T03:04:05Z"), 3, 11, "order.created",
                "http://127.0.0.1/hook", "{\"a\": 1}", 503, "{\"body\":\"busy\"}", Map.of("app", "shop"), "msg_1", 12, null, false, null);
        AttemptRecord ping = new AttemptRecord(0, 1, "delivered", null, 3, 11, "hukz.ping", "http://127.0.0.1/hook", "{}",
                200, null, Map.of(), "msg_2", 5_000_000_000L, "slow", false, null);

        JsonNode rows = Json.MAPPER.readTree(new AttemptRows().json(List.of(retry, ping)));

        assertThat(rows).hasSize(2);
        JsonNode first = rows.get(0);
        assertThat(first.path("delivery_id").asLong()).isEqualTo(7);
        assertThat(first.path("attempt").asInt()).isEqualTo(2);
        assertThat(first.path("status").asText()).isEqualTo("pending");
        assertThat(first.path("next_attempt_at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(first.path("webhook_id").asLong()).isEqualTo(3);
        assertThat(first.path("created_by_id").asLong()).isEqualTo(11);
        assertThat(first.path("event").asText()).isEqualTo("order.created");
        assertThat(first.path("data").asText()).as("the body as sent, byte for byte").isEqualTo("{\"a\": 1}");
        assertThat(first.path("response_body").asText()).isEqualTo("{\"body\":\"busy\"}");
        assertThat(first.path("response_status_code").asInt()).isEqualTo(503);
        assertThat(first.path("tags").path("app").asText()).isEqualTo("shop");
        assertThat(first.path("message_id").asText()).isEqualTo("msg_1");
        assertThat(first.path("duration_ms").asInt()).isEqualTo(12);
        assertThat(first.path("error").isNull()).isTrue();

        JsonNode second = rows.get(1);
        assertThat(second.path("delivery_id").isNull()).as("a ping belongs to no delivery").isTrue();
        assertThat(second.path("next_attempt_at").isNull()).isTrue();
        assertThat(second.path("response_body").isNull()).isTrue();
        assertThat(second.path("duration_ms").asInt()).as("an int column's largest value").isEqualTo(Integer.MAX_VALUE);
    }
}
