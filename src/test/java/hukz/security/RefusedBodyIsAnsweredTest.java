package hukz.security;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A body refused before it is read (over 1 MiB, or sent without the api token) is not kept, but a client that writes
 * its whole body before it reads the answer (the JDK client, curl, most libraries) still gets the answer in the error
 * shape, every time, instead of a reset connection.
 */
class RefusedBodyIsAnsweredTest {
    static final String TOKEN = "refused-body-token-0123456789";
    static TestHukz hukz;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("api_token", TOKEN));
    }

    @AfterAll
    static void stop() {
        if (hukz != null) {
            hukz.close();
        }
    }

    @Test
    void everyOversizedBodySentInFullGets413InTheErrorShape() {
        byte[] body = new byte[2 * 1024 * 1024];
        Arrays.fill(body, (byte) ' ');
        for (int i = 0; i < 20; i++) {
            Api.Response r = hukz.api.sendBytes("POST", "/events", body, "X-User", "1", "Content-Type", "application/json",
                    "Authorization", "Bearer " + TOKEN);
            assertErrorShape(r, 413);
        }
    }

    @Test
    void everyUnauthenticatedBodySentInFullGets401InTheErrorShape() {
        byte[] body = new byte[512 * 1024];
        Arrays.fill(body, (byte) ' ');
        for (int i = 0; i < 20; i++) {
            Api.Response r = hukz.api.sendBytes("POST", "/events", body, "X-User", "1", "Content-Type", "application/json");
            assertErrorShape(r, 401);
        }
    }

    private static void assertErrorShape(Api.Response r, int status) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        JsonNode error = r.json().path("errors").path(0);
        assertThat(error.path("code").asInt()).isEqualTo(status);
        assertThat(error.path("message").asText()).isNotBlank();
    }
}
