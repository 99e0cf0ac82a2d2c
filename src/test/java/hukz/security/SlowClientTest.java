package hukz.security;

import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client whose request headers or body do not arrive within the request timeout is cut off, and one address
 * cannot hold more than its share of connections. The timeout is the behaviour under test, so the test
 * measures it: a 2 s bound (system property, instead of the 30 s default) with generous slack for a busy machine.
 */
class SlowClientTest {
    static final long BOUND_MILLIS = 2000;
    static final long SLACK_MILLIS = 13_000;
    static TestHukz hukz;

    @BeforeAll
    static void start() {
        System.setProperty("hukz.http.request-timeout-millis", String.valueOf(BOUND_MILLIS));
        System.setProperty("hukz.http.max-connections-per-address", "8");
        try {
            hukz = TestHukz.start();
        } finally {
            System.clearProperty("hukz.http.request-timeout-millis");
            System.clearProperty("hukz.http.max-connections-per-address");
        }
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @Test
    void headersTrickledAByteAtATimeAreCutOffWithinTheBound() throws Exception {
        byte[] head = "GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        long elapsed = trickleUntilClosed(head, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assertThat(elapsed).isLessThan(BOUND_MILLIS + SLACK_MILLIS);
    }

    @Test
    void aBodyTrickledAByteAtATimeIsCutOffWithinTheBound() throws Exception {
        byte[] head = "POST /events HTTP/1.1\r\nHost: x\r\nX-User: 1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
                .getBytes(StandardCharsets.US_ASCII);
        long elapsed = trickleUntilClosed(head, " ".repeat(400));
        assertThat(elapsed).isLessThan(BOUND_MILLIS + SLACK_MILLIS);
    }

    @Test
    void anIdleConnectionThatNeverSendsIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", hukz.port())) {
            s.setSoTimeout((int) (BOUND_MILLIS + SLACK_MILLIS));
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(BOUND_MILLIS + SLACK_MILLIS);
        }
    }

    @Test
    void oneAddressCannotHoldMoreThanItsConnections() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            int closedEarly = 0;
            for (int i = 0; i < 12; i++) {
                Socket s = new Socket("127.0.0.1", hukz.port());
                s.setSoTimeout((int) BOUND_MILLIS / 2);
                sockets.add(s);
            }
            for (Socket s : sockets) {
                try {
                    if (s.getInputStream().read() == -1) {
                        closedEarly++;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // held: within the cap
                } catch (IOException reset) {
                    closedEarly++;
                }
            }
            assertThat(closedEarly).as("connections over the cap of 8").isGreaterThanOrEqualTo(4);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Sends {@code head}, then {@code rest} one byte every 100 ms, until the server closes; the time it took. */
    private long trickleUntilClosed(byte[] head, String rest) throws Exception {
        try (Socket s = new Socket("127.0.0.1", hukz.port())) {
            s.setSoTimeout(100);
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(head);
            out.flush();
            long limit = BOUND_MILLIS + SLACK_MILLIS;
            for (int i = 0; (System.nanoTime() - start) / 1_000_000 < limit; i++) {
                try {
                    out.write(rest.charAt(i % rest.length()));
                    out.flush();
                } catch (IOException closed) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
                try {
                    int b = in.read();
                    if (b == -1) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                    // An answer before the request is complete (an error) is fine; keep reading until closed.
                } catch (SocketTimeoutException nothingYet) {
                    // the read timeout paces the trickle: one byte per 100 ms
                } catch (IOException reset) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
            return limit;
        }
    }
}
