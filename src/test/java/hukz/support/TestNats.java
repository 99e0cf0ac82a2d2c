package hukz.support;

import hukz.config.EmbeddedNatsServer;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server process (JetStream on) for tests. Missing binary fails the test with the install hint;
 * tests never skip for it.
 */
public final class TestNats implements AutoCloseable {
    private static TestNats shared;
    /** Every server started and not yet closed; killed when the test JVM exits, whatever the tests did. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "test-nats-reaper"));
    }
    private final Process process;
    private final int port;
    private final Path store;

    private TestNats(Process process, int port, Path store) {
        this.process = process;
        this.port = port;
        this.store = store;
    }

    /** The nats-server shared by the whole test JVM. */
    public static synchronized TestNats shared() {
        if (shared == null) {
            shared = start();
            TestNats s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /** A nats-server of its own, with extra arguments (for example --user and --pass). */
    public static TestNats start(String... extraArgs) {
        String binary = EmbeddedNatsServer.findBinary();
        if (binary == null) {
            throw new AssertionError(EmbeddedNatsServer.INSTALL_HINT);
        }
        try {
            int port = freePort();
            Path store = Scratch.dir("nats");
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(binary, "-a", "127.0.0.1",
                    "-p", String.valueOf(port), "-js", "-sd", store.toString()));
            command.addAll(java.util.List.of(extraArgs));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(new File(store.toFile(), "server.log")).start();
            LIVE.add(p);
            Reaper.record(p.pid());
            TestNats nats = new TestNats(p, port, store);
            try {
                nats.awaitListening();
            } catch (RuntimeException e) {
                nats.close();
                throw e;
            }
            return nats;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A nats-server configuration file with these lines, for options that have no command-line flag. */
    public static String configFile(String lines) {
        try {
            Path conf = Scratch.file("nats", ".conf");
            Files.writeString(conf, lines);
            return conf.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
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

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        LIVE.remove(process);
    }
}
