package hukz.config;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The development NATS: a local {@code nats-server} process with JetStream, its store under {@code data/nats/}.
 * Listens on 4222 when free, so any NATS client's default reaches it.
 */
public final class EmbeddedNatsServer implements AutoCloseable {
    public static final String INSTALL_HINT =
            "nats-server not found: install it with 'sudo apt-get install -y nats-server' (Debian package nats-server), or set nats_url";
    private static final List<String> SEARCH_PATH = List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin");

    private final Process process;
    private final int port;

    private EmbeddedNatsServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts nats-server or throws {@link ConfigException} with the install hint when the binary is missing. */
    public static EmbeddedNatsServer start(Path storeDir, Path logFile) {
        String binary = findBinary();
        if (binary == null) {
            throw new ConfigException(INSTALL_HINT);
        }
        Path pidFile = storeDir.resolveSibling("nats-server.pid");
        StaleProcess.stop(pidFile, "nats-server", storeDir);
        int port = isFree(4222) ? 4222 : freePort();
        try {
            Files.createDirectories(storeDir);
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(binary, "-a", "127.0.0.1", "-p", String.valueOf(port),
                    "-js", "-sd", storeDir.toAbsolutePath().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            Files.writeString(pidFile, process.pid() + "\n");
            EmbeddedNatsServer server = new EmbeddedNatsServer(process, port);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start nats-server: " + e.getMessage(), e);
        }
    }

    public static String findBinary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File f = new File(dir, "nats-server");
                if (f.canExecute()) {
                    return f.getAbsolutePath();
                }
            }
        }
        for (String dir : SEARCH_PATH) {
            File f = new File(dir, "nats-server");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited with " + process.exitValue() + " (see data/nats-server.log)");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("nats-server did not listen on port " + port + " within 15s");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
