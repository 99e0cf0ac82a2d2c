package hukz.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * hukz as its own JVM process (the real main class, configured through HUKZ_ environment variables), for
 * tests that kill it: {@link #kill()} is SIGKILL, {@link #terminate()} SIGTERM.
 */
public final class HukzProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    public final Api api;

    private HukzProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.api = new Api("http://127.0.0.1:" + port);
    }

    public static HukzProcess start(Map<String, String> config) {
        return start(config, Path.of(System.getProperty("user.dir")));
    }

    /** Runs from {@code workDir}, which holds the application.properties and routes/ it loads (tests that edit routes). */
    public static HukzProcess start(Map<String, String> config, Path workDir) {
        try {
            Path log = Files.createTempFile("hukz-process", ".log");
            ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), "hukz.Hukz")
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            config.forEach((k, v) -> pb.environment().put("HUKZ_" + k.toUpperCase(), v));
            HukzProcess p = new HukzProcess(pb.start(), log, Integer.parseInt(config.get("server_port")));
            try {
                p.api.awaitReady(p.process::isAlive);
            } catch (AssertionError e) {
                p.kill();
                throw new AssertionError(e.getMessage() + "\n" + p.output(), e);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a hukz that was expected to stop by itself printed, and its exit code. */
    public record Exit(int code, String output) {
    }

    /** Runs hukz with this configuration until it exits by itself (at most {@code limit}; then it is killed). */
    public static Exit runUntilExit(Map<String, String> config, java.time.Duration limit) {
        try {
            Path log = Files.createTempFile("hukz-process", ".log");
            ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), "hukz.Hukz")
                    .directory(Path.of(System.getProperty("user.dir")).toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            config.forEach((k, v) -> pb.environment().put("HUKZ_" + k.toUpperCase(), v));
            Process process = pb.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("hukz did not exit within " + limit + ":\n" + Files.readString(log));
            }
            return new Exit(process.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no cleanup, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        await();
    }

    /** SIGTERM: a graceful stop. */
    public void terminate() {
        process.destroy();
        await();
    }

    public int exitCode() {
        return process.exitValue();
    }

    private void await() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
