package hukz.dispatch;

import hukz.config.EmbeddedNatsServer;
import hukz.support.TestNats;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server that accepts messages of up to 8 MB (the default is 1 MB), so a test can publish what
 * hukz must refuse as too large. Only the process this class started is ever stopped.
 */
final class LargePayloadNats implements AutoCloseable {
    private final Process process;
    private final int port;

    private LargePayloadNats(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LargePayloadNats start() {
        String binary = EmbeddedNatsServer.findBinary();
        if (binary == null) {
            throw new AssertionError(EmbeddedNatsServer.INSTALL_HINT);
        }
        try {
            int port = TestNats.freePort();
            Path dir = Files.createTempDirectory("hukz-test-nats-large");
            Path conf = dir.resolve("nats.conf");
            Files.writeString(conf, "listen: 127.0.0.1:" + port + "\nmax_payload: 8MB\nmax_pending: 64MB\n");
            Process p = new ProcessBuilder(binary, "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(new File(dir.toFile(), "server.log")).start();
            LargePayloadNats nats = new LargePayloadNats(p, port);
            nats.awaitListening();
            return nats;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nats-server exited with " + process.exitValue());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("nats-server did not start on " + port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
