package hukz.security;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Cleanup;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Receivers that try to hold hukz: an endless body, a trickle, silence. Each attempt ends within the
 * delivery timeout, keeps at most 64 KiB, and a normal delivery still goes through afterwards.
 */
class HostileReceiverTest {
    static TestHukz hukz;
    static NatsPublisher nats;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("delivery_timeout", "2s", "retry_schedule", "1h"));
        nats = NatsPublisher.shared();
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(nats, hukz);
    }

    /** A raw socket server: reads the request head, then behaves as {@code behaviour} says. */
    private static final class RawServer implements AutoCloseable {
        interface Behaviour {
            void serve(OutputStream out) throws IOException, InterruptedException;
        }

        final ServerSocket socket;
        final AtomicLong bytesSent = new AtomicLong();
        /** Connections whose behaviour has ended (it finished, or the client hung up). */
        final AtomicLong served = new AtomicLong();

        RawServer(Behaviour behaviour) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.setSoTimeout(5000);
                        readHead(s.getInputStream());
                        OutputStream out = new CountingStream(s.getOutputStream(), bytesSent);
                        behaviour.serve(out);
                    } catch (IOException | InterruptedException e) {
                        // the client hung up, as it should
                    } finally {
                        served.incrementAndGet();
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
        }

        private static void readHead(InputStream in) throws IOException {
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        private final AtomicLong count;

        CountingStream(OutputStream out, AtomicLong count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count.addAndGet(len);
        }
    }

    private JsonNode deliverOnceAndAwaitLog(String subject, String url) {
        long event = hukz.api.createEvent(subject);
        long webhook = hukz.api.createWebhook(url, event).get("id").asLong();
        nats.publish(subject, "{\"hostile\":true}");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                hukz.api.get("/webhooks/logs?webhook_id=" + webhook).json().get("total").asInt() == 1);
        return hukz.api.get("/webhooks/logs?webhook_id=" + webhook).json().get("nodes").get(0);
    }

    @Test
    void endlessResponseBodyIsCutAt64KibAndNotReadFurther() throws Exception {
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (RawServer server = new RawServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1073741824\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 16384; i++) {
                out.write(chunk);
            }
        })) {
            JsonNode log = deliverOnceAndAwaitLog("hostile.big", server.url());
            assertThat(log.get("response_status_code").asInt()).isEqualTo(200);
            assertThat(log.get("response_body").asText().length()).isLessThanOrEqualTo(64 * 1024);
            // once hukz has hung up, the receiver's writes fail: by then it must have sent far less than its 1 GiB
            await().atMost(Duration.ofSeconds(30)).until(() -> server.served.get() >= 1);
            assertThat(server.bytesSent.get()).as("bytes the receiver managed to send").isLessThan(64L * 1024 * 1024);
        }
        assertNormalDeliveryStillWorks("hostile.after.big");
    }

    @Test
    void tricklingReceiverIsCutByTheWholeRequestTimeout() throws Exception {
        try (RawServer server = new RawServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 600; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        })) {
            JsonNode log = deliverOnceAndAwaitLog("hostile.trickle", server.url());
            assertThat(log.get("error").asText()).contains("timeout");
            assertCutAtTheTimeout(log);
        }
        assertNormalDeliveryStillWorks("hostile.after.trickle");
    }

    @Test
    void tricklingHeadersAreCutByTheWholeRequestTimeout() throws Exception {
        try (RawServer server = new RawServer(out -> {
            byte[] head = "HTTP/1.1 200 OK\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (byte b : head) {
                out.write(b);
                out.flush();
                Thread.sleep(500);
            }
        })) {
            JsonNode log = deliverOnceAndAwaitLog("hostile.slowheaders", server.url());
            assertThat(log.get("response_status_code").asInt()).isZero();
            assertThat(log.get("error").asText()).contains("timeout");
            assertCutAtTheTimeout(log);
        }
    }

    @Test
    void silentReceiverTimesOut() throws Exception {
        try (RawServer server = new RawServer(out -> Thread.sleep(10_000))) {
            JsonNode log = deliverOnceAndAwaitLog("hostile.silent", server.url());
            assertThat(log.get("response_status_code").asInt()).isZero();
            assertThat(log.get("error").asText()).contains("timeout");
            assertCutAtTheTimeout(log);
        }
    }

    /**
     * The deadline under test: the whole-request timeout is 2 s and this receiver would take 10 s or more, so
     * the attempt must end in between; the upper bound has generous slack for a busy machine.
     */
    private static void assertCutAtTheTimeout(JsonNode log) {
        assertThat(log.get("duration_ms").asLong()).isBetween(1500L, 8000L);
    }

    private void assertNormalDeliveryStillWorks(String subject) {
        try (Receiver receiver = new Receiver()) {
            long event = hukz.api.createEvent(subject);
            hukz.api.createWebhook(receiver.url(), event);
            nats.publish(subject, "{\"normal\":true}");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);
        }
    }
}
