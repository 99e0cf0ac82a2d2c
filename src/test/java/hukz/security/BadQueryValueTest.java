package hukz.security;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query values the database cannot take (a NUL character, a time beyond year 9999) are bad input: 400 in the
 * error shape, and nothing reaches PostgreSQL to be logged as its error. A request line or headers too long
 * for the server are answered in the error shape too.
 */
class BadQueryValueTest {
    static TestHukz hukz;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/webhooks/logs?event=a%00b", "/webhooks/logs?tag=a:%00", "/webhooks/logs?since=2024-01-01T00:00:00Z%00",
            "/webhooks/logs?since=%2B999999999-12-31T23:59:59Z", "/webhooks/logs?until=-999999999-01-01T00:00:00Z",
            "/webhooks/logs?since=10000-01-01T00:00:00Z",
            "/deliveries?event=x%00", "/deliveries?tag=k%00:v", "/webhooks?tag=k:v%00", "/events?tag=%00:v",
            "/webhooks/space/s1/check?event=a%00", "/webhooks/space/s1?tag=k:%00"})
    void answers400InTheErrorShapeAndLogsNoDatabaseError(String path) {
        try (LogLines log = new LogLines()) {
            Api.Response r = hukz.api.get(path);
            assertThat(r.status()).as(path + " " + r.text()).isEqualTo(400);
            JsonNode error = r.json().get("errors").get(0);
            assertThat(error.get("code").asInt()).isEqualTo(400);
            assertThat(error.get("source").asText()).isNotEmpty();
            assertThat(log.lines()).noneMatch(l -> l.contains("database error") || l.contains("PSQLException") || l.startsWith("ERROR"));
        }
    }

    @Test
    void aRequestLineTooLongIs414InTheErrorShape() {
        Api.Response r = hukz.api.get("/events?x=" + "a".repeat(10_000));
        assertThat(r.status()).isEqualTo(414);
        assertThat(r.json().get("errors").get(0).get("code").asInt()).isEqualTo(414);
    }

    @Test
    void headersTooLargeAre431InTheErrorShape() {
        Api.Response r = hukz.api.send("GET", "/events", null, "X-User", "1", "X-Big", "b".repeat(10_000));
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.json().get("errors").get(0).get("code").asInt()).isEqualTo(431);
    }
}
