package hukz.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hukz.ingest.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadFormatTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ENVELOPE = Envelope.build("msg_1", "post.created",
            "{\"title\":\"Hi \\\"there\\\"\"}".getBytes(StandardCharsets.UTF_8), Instant.parse("2024-01-01T00:00:00Z"));

    @Test
    void jsonSendsTheEnvelopeItself() {
        assertThat(PayloadFormat.render(PayloadFormat.JSON, "post.created", ENVELOPE)).isSameAs(ENVELOPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {PayloadFormat.SLACK, PayloadFormat.GOOGLE_CHAT})
    void chatFormatsSendATextMessageQuotingTheEnvelope(String format) throws Exception {
        JsonNode body = MAPPER.readTree(PayloadFormat.render(format, "post.created", ENVELOPE));
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("text");
        String text = body.get("text").asText();
        assertThat(text).startsWith("*post.created*\n");
        assertThat(text).contains(ENVELOPE);
    }

    @Test
    void chatHostsDefaultToTheirFormat() {
        assertThat(PayloadFormat.defaultFor("https://hooks.slack.com/services/T/B/X")).isEqualTo(PayloadFormat.SLACK);
        assertThat(PayloadFormat.defaultFor("https://HOOKS.SLACK.COM/services/T")).isEqualTo(PayloadFormat.SLACK);
        assertThat(PayloadFormat.defaultFor("https://chat.googleapis.com/v1/spaces/x/messages?key=k")).isEqualTo(PayloadFormat.GOOGLE_CHAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/hook", "https://hooks.slack.com.evil.example/x", "https://evilhooks.slack.com/x",
            "http://127.0.0.1:8080/hook", "not a url", "mailto:someone@hooks.slack.com"})
    void otherUrlsDefaultToJson(String url) {
        assertThat(PayloadFormat.defaultFor(url)).isEqualTo(PayloadFormat.JSON);
    }

    @Test
    void knowsItsFormats() {
        assertThat(PayloadFormat.ALL).containsExactly("json", "slack", "google_chat");
    }
}
