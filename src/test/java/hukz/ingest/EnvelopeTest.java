package hukz.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant AT = Instant.parse("2024-05-06T07:08:09.123456789Z");

    private static JsonNode build(String subject, byte[] message) throws Exception {
        return MAPPER.readTree(Envelope.build("msg_1", subject, message, AT));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hasExactlyTheOriginalFieldsPlusId() throws Exception {
        JsonNode e = build("post.created.today", utf8("{\"a\":1}"));
        List<String> fields = new ArrayList<>();
        e.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "event", "contains", "created_at", "payload");
        assertThat(e.get("id").asText()).isEqualTo("msg_1");
        assertThat(e.get("event").asText()).isEqualTo("post.created.today");
        assertThat(e.get("contains").isArray()).isTrue();
        assertThat(e.get("contains")).hasSize(1);
        assertThat(e.get("contains").get(0).asText()).isEqualTo("post");
    }

    @Test
    void createdAtIsRfc3339Utc() throws Exception {
        String createdAt = build("x", utf8("1")).get("created_at").asText();
        assertThat(createdAt).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
        assertThat(OffsetDateTime.parse(createdAt).toInstant()).isEqualTo(Instant.parse("2024-05-06T07:08:09.123456Z"));
    }

    @Test
    void jsonPayloadIsEmbeddedByteForByte() {
        String payload = "{\"b\":  [1, 2.50, \"x\"],\"a\" : {\"n\":null}}";
        String envelope = Envelope.build("m", "s", utf8(payload), AT);
        assertThat(envelope).endsWith("\"payload\":" + payload + "}");
    }

    @Test
    void jsonScalarsAndArraysAreEmbeddedAsJson() throws Exception {
        assertThat(build("s", utf8("42")).get("payload").isNumber()).isTrue();
        assertThat(build("s", utf8("true")).get("payload").isBoolean()).isTrue();
        assertThat(build("s", utf8("\"hi\"")).get("payload").asText()).isEqualTo("hi");
        assertThat(build("s", utf8("[1,2]")).get("payload").isArray()).isTrue();
        assertThat(build("s", utf8("  {\"a\":1}\n")).get("payload").get("a").asInt()).isEqualTo(1);
    }

    @Test
    void textIsSentAsJsonString() throws Exception {
        assertThat(build("s", utf8("hello world")).get("payload").asText()).isEqualTo("hello world");
        assertThat(build("s", utf8("{not json")).get("payload").asText()).isEqualTo("{not json");
        assertThat(build("s", utf8("{\"a\":1} trailing")).get("payload").asText()).isEqualTo("{\"a\":1} trailing");
        assertThat(build("s", utf8("1 2")).get("payload").asText()).isEqualTo("1 2");
        assertThat(build("s", utf8("{'a':1}")).get("payload").asText()).isEqualTo("{'a':1}");
        assertThat(build("s", utf8("NaN")).get("payload").asText()).isEqualTo("NaN");
        assertThat(build("s", utf8("héllo \"quoted\" \\ \n")).get("payload").asText()).isEqualTo("héllo \"quoted\" \\ \n");
    }

    @Test
    void emptyMessageIsNull() throws Exception {
        assertThat(build("s", new byte[0]).get("payload").isNull()).isTrue();
    }

    @Test
    void binaryIsSentLosslesslyAsString() throws Exception {
        byte[] binary = {0, 1, (byte) 0xff, (byte) 0xfe, 'a', (byte) 0xc3};
        JsonNode payload = build("s", binary).get("payload");
        assertThat(payload.isTextual()).isTrue();
        assertThat(payload.asText().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(binary);
    }

    @Test
    void controlCharactersAreEscaped() {
        String envelope = Envelope.build("m", "s", new byte[]{0, 1, 'x'}, AT);
        assertThat(envelope).contains("\"payload\":\"\\u0000\\u0001x\"");
    }

    @Test
    void isJsonIsStrict() {
        assertThat(Envelope.isJson("{\"a\":[1,{\"b\":null}]}")).isTrue();
        assertThat(Envelope.isJson("\"text\"")).isTrue();
        assertThat(Envelope.isJson("")).isFalse();
        assertThat(Envelope.isJson("   ")).isFalse();
        assertThat(Envelope.isJson("{\"a\":1}}")).isFalse();
        assertThat(Envelope.isJson("{\"a\":01}")).isFalse();
        assertThat(Envelope.isJson("{\"a\":\"tab\there\"}")).isFalse();
        assertThat(Envelope.isJson("/* c */ {}")).isFalse();
    }
}
