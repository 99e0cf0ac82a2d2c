package hukz.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Servers and processes the tests start, recorded per test JVM, so that a run that was killed outright (no
 * shutdown hook ran) has its leftovers stopped by the next run. A record names the pid with its start time,
 * so a pid the system has since given to another process is left alone. Records of a JVM that is still
 * alive (another suite running at the same time) are never touched.
 */
public final class Reaper {
    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "hukz-test-reaper");
    private static final long SELF = ProcessHandle.current().pid();
    private static boolean swept;

    static {
        // a JVM that ends normally has closed what it started (or its own hooks kill it): its record can go
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(DIR.resolve(SELF + ".pids"));
            } catch (IOException ignored) {
                // the next sweep finds only dead pids in it
            }
        }, "test-reaper-record"));
    }

    private Reaper() {
    }

    /** Records {@code pid} as started by this test JVM; on the first call, stops what dead test JVMs left. */
    public static synchronized void record(long pid) {
        if (!swept) {
            swept = true;
            sweep();
        }
        Optional<Instant> started = ProcessHandle.of(pid).flatMap(p -> p.info().startInstant());
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(SELF + ".pids"), pid + " " + started.map(Instant::toEpochMilli).orElse(0L) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // recording is a safety net for killed runs; a test does not fail for it
        }
    }

    private static void sweep() {
        if (!Files.isDirectory(DIR)) {
            return;
        }
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                long owner = Long.parseLong(name.substring(0, name.indexOf('.')));
                if (owner == SELF || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    stop(line);
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            // a failed sweep leaves things as they were
        }
    }

    private static void stop(String line) {
        List<String> parts = List.of(line.trim().split(" "));
        if (parts.size() != 2) {
            return;
        }
        long pid = Long.parseLong(parts.get(0));
        long startedMillis = Long.parseLong(parts.get(1));
        ProcessHandle.of(pid)
                .filter(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == startedMillis)
                .ifPresent(ProcessHandle::destroyForcibly);
    }
}
