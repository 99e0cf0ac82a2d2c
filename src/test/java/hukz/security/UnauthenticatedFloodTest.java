package hukz.security;

import hukz.support.Api;
import hukz.support.HukzProcess;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With an api token set and a small heap (HukzProcess runs hukz with -Xmx256m), a flood of oversized bodies
 * without the token (declared lengths, chunked, and plain lying clients) is refused before it is read:
 * authenticated requests keep answering meanwhile and no OutOfMemoryError appears in the log.
 */
class UnauthenticatedFloodTest {
    static final String TOKEN = "flood-test-token-0123456789";
    static final int FLOODERS = 45;
    static final byte[] SEVEN_MIB = new byte[7 * 1024 * 1024];

    @Test
    void oversizedUnauthenticatedBodiesLeaveAuthenticatedRequestsAnswering() throws Exception {
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(TestPostgres.newDatabase()));
        config.put("api_token", TOKEN);
        try (HukzProcess hukz = HukzProcess.start(config)) {
            String base = hukz.api.base();
            int port = URI.create(base).getPort();
            AtomicBoolean flooding = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(FLOODERS);
            List<Future<?>> flood = new ArrayList<>();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < FLOODERS; i++) {
                int kind = i % 3;
                flood.add(pool.submit(() -> {
                    // Each flooder sends a bounded number of bodies, while the authenticated requests run.
                    for (int n = 0; n < 20 && flooding.get(); n++) {
                        try {
                            if (kind == 0) {
                                client.send(HttpRequest.newBuilder(URI.create(base + "/events")).timeout(Duration.ofSeconds(30))
                                        .header("X-User", "1").header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(SEVEN_MIB)).build(), HttpResponse.BodyHandlers.discarding());
                            } else if (kind == 1) {
                                // no length: chunked
                                client.send(HttpRequest.newBuilder(URI.create(base + "/events")).timeout(Duration.ofSeconds(30))
                                        .header("X-User", "1").header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(SEVEN_MIB))).build(),
                                        HttpResponse.BodyHandlers.discarding());
                            } else {
                                rawPost(port);
                            }
                        } catch (Exception refusedOrCut) {
                            // the server closing on us is the expected answer to most of these
                        }
                    }
                }));
            }
            int answered = 0;
            for (int i = 0; i < 30; i++) {
                Api.Response r = hukz.api.send("GET", "/events", null, "X-User", "1", "Authorization", "Bearer " + TOKEN);
                if (r.status() == 200) {
                    answered++;
                }
                Api.Response created = hukz.api.send("POST", "/events", "{\"name\":\"flood." + i + "\",\"event\":\"flood." + i + "\"}", "X-User", "1",
                        "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
                if (created.status() == 201) {
                    answered++;
                }
            }
            flooding.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : flood) {
                f.get();
            }
            assertThat(answered).as("authenticated requests answered during the flood").isEqualTo(60);
            assertThat(hukz.api.send("GET", "/events", null, "X-User", "1", "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
            assertThat(hukz.output()).doesNotContain("OutOfMemoryError");
        }
    }

    /** A client that declares a 7 MiB body and sends it regardless of any answer. */
    private static void rawPost(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /events HTTP/1.1\r\nHost: x\r\nX-User: 1\r\nContent-Type: application/json\r\nContent-Length: "
                    + SEVEN_MIB.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(SEVEN_MIB);
            out.flush();
            s.getInputStream().read();
        }
    }
}
