package hukz.support;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real NATS client publishing to the test nats-server, as an application would. */
public final class NatsPublisher implements AutoCloseable {
    private final Connection connection;

    public NatsPublisher(String url) {
        try {
            connection = Nats.connect(url);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static NatsPublisher shared() {
        return new NatsPublisher(TestNats.shared().url());
    }

    public void publish(String subject, String body) {
        publish(subject, body.getBytes(StandardCharsets.UTF_8), null);
    }

    /** {@code headers} are name, value pairs (a name may repeat). */
    public void publish(String subject, byte[] body, String... headers) {
        Headers h = null;
        if (headers != null && headers.length > 0) {
            h = new Headers();
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.add(headers[i], headers[i + 1]);
            }
        }
        connection.publish(NatsMessage.builder().subject(subject).headers(h).data(body).build());
        flush();
    }

    public void flush() {
        try {
            connection.flush(Duration.ofSeconds(5));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Connection connection() {
        return connection;
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
