package hukz.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * hukz as its own JVM process (the real main class, configured through HUKZ_ environment variables), for
 * tests that kill it: {@link #kill()} is SIGKILL, {@link #terminate()} SIGTERM. It runs in a working
 * directory of its own holding only application.properties and routes/, with no HUKZ_ variable of the
 * shell, so the repository's config.yml and the developer's environment cannot change what is tested.
 * Processes still alive when the test JVM exits are killed by a shutdown hook.
 */
public final class HukzProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    public final Api api;

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "hukz-process-reaper"));
    }

    private HukzProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.api = new Api("http://127.0.0.1:" + port);
    }

    public static HukzProcess start(Map<String, String> config) {
        return start(config, workingDirectory());
    }

    /** Starts {@code hukz.Hukz} in {@code directory} (which must hold application.properties and routes/). */
    public static HukzProcess start(Map<String, String> config, Path directory) {
        return start(config, directory, Integer.parseInt(config.get("server_port")), Duration.ofSeconds(30));
    }

    /**
     * Starts {@code hukz.Hukz} in {@code directory} with only {@code config} as HUKZ_ variables (none: the
     * directory's config file alone), its API on {@code port}, waiting up to {@code readyWithin} for readiness.
     */
    public static HukzProcess start(Map<String, String> config, Path directory, int port, Duration readyWithin) {
        try {
            Path log = Scratch.file("process", ".log");
            ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", Scratch.vertxCacheOption(),
                            "-cp", System.getProperty("java.class.path"), "hukz.Hukz")
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(name -> name.toUpperCase(Locale.ROOT).startsWith("HUKZ_"));
            config.forEach((k, v) -> pb.environment().put("HUKZ_" + k.toUpperCase(Locale.ROOT), v));
            HukzProcess p = new HukzProcess(pb.start(), log, port);
            LIVE.add(p.process);
            Reaper.record(p.pid());
            try {
                p.api.awaitReady(p.process::isAlive, readyWithin);
            } catch (AssertionError e) {
                p.kill();
                throw new AssertionError(e.getMessage() + "\n" + p.output(), e);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh directory with the project's application.properties and routes/, and no config file. */
    public static Path workingDirectory() {
        try {
            Path project = Path.of(System.getProperty("user.dir"));
            Path dir = Scratch.dir("process-cwd");
            Files.copy(project.resolve("application.properties"), dir.resolve("application.properties"));
            Path routes = Files.createDirectory(dir.resolve("routes"));
            try (Stream<Path> files = Files.list(project.resolve("routes"))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, routes.resolve(f.getFileName()));
                }
            }
            return dir;
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
            Path log = Scratch.file("process", ".log");
            ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", Scratch.vertxCacheOption(),
                            "-cp", System.getProperty("java.class.path"), "hukz.Hukz")
                    .directory(workingDirectory().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(name -> name.toUpperCase(Locale.ROOT).startsWith("HUKZ_"));
            config.forEach((k, v) -> pb.environment().put("HUKZ_" + k.toUpperCase(Locale.ROOT), v));
            Process process = pb.start();
            LIVE.add(process);
            Reaper.record(process.pid());
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("hukz did not exit within " + limit + ":\n" + Files.readString(log));
                }
            } finally {
                if (!process.isAlive()) {
                    LIVE.remove(process);
                }
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

    /** Sends SIGTERM and returns at once; {@link #awaitExit()} then waits for the process to end. */
    public void signalTerm() {
        process.destroy();
    }

    public void awaitExit() {
        await();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** Whether the process has not exited yet. */
    public boolean isAlive() {
        return process.isAlive();
    }

    private void await() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!process.isAlive()) {
                LIVE.remove(process);
            }
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
