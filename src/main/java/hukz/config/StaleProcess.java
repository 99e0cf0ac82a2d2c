package hukz.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server a previous hukz started and could not stop (it was killed with SIGKILL): found by the pid file
 * it left in hukz's data directory, and stopped before a new one starts on the same data.
 */
final class StaleProcess {
    private static final Logger LOG = LoggerFactory.getLogger(StaleProcess.class);

    private StaleProcess() {
    }

    /** Stops the process named in the first line of {@code pidFile} if it runs {@code program} on {@code dataDir}. */
    static void stop(Path pidFile, String program, Path dataDir) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            if (!first.matches("\\d{1,10}")) {
                return;
            }
            Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(first));
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return;
            }
            String command = handle.get().info().commandLine().orElse("");
            if (!command.contains(program) || !command.contains(dataDir.toAbsolutePath().toString()) && !command.contains(dataDir.toString())) {
                return;
            }
            LOG.warn("stopping the {} (pid {}) a previous hukz left running on {}", program, first, dataDir);
            handle.get().destroy();
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException | InterruptedException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            LOG.warn("could not stop a stale {}: {}", program, e.getMessage());
        }
    }
}
