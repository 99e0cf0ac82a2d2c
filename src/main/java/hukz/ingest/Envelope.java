package hukz.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import hukz.Json;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The JSON body hukz sends for format {@code json}: the original's envelope plus the message id. A JSON
 * message is embedded byte for byte; anything else goes as a JSON string, an empty message as null.
 */
public final class Envelope {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private Envelope() {
    }

    public static String build(String messageId, String subject, byte[] message, Instant createdAt) {
        StringWriter out = new StringWriter(message.length + 160);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", messageId);
            g.writeStringField("event", subject);
            g.writeArrayFieldStart("contains");
            g.writeString(SubjectPattern.firstToken(subject));
            g.writeEndArray();
            g.writeStringField("created_at", timestamp(createdAt));
            g.writeFieldName("payload");
            writePayload(g, message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    private static void writePayload(JsonGenerator g, byte[] message) throws IOException {
        if (message.length == 0) {
            g.writeNull();
            return;
        }
        String text = decodeUtf8(message);
        if (text == null) {
            // Not text at all: keep it losslessly, as latin-1 characters in a JSON string.
            g.writeString(new String(message, StandardCharsets.ISO_8859_1));
        } else if (isJson(text)) {
            g.writeRawValue(text.strip());
        } else {
            g.writeString(text);
        }
    }

    public static boolean isJson(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Strict UTF-8 decoding; null when the bytes are not valid UTF-8. */
    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
