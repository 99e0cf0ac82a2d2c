package hukz.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes the harness starts, each remembered by its pid and stopped by it: on {@link #stop}, and for
 * whatever is still running when the harness exits (shutdown hook), newest first.
 */
public final class Procs {
    private final List<Process> running = new ArrayList<>();
    private final Path logDir;

    public Procs(Path logDir) {
        this.logDir = logDir;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "bench-cleanup"));
    }

    /**
     * Starts a process with stdout+stderr in {@code <name>.log}. Its stdin is a pipe from the harness that is
     * never written: helpers from the bench jar exit when it closes (see Child); anything else (hukz,
     * nats-server) is started through {@link #GUARD}, which does the same for it, so even a harness killed with
     * SIGKILL leaves nothing running.
     */
    public synchronized Process start(String name, List<String> command, Path workDir, Map<String, String> env) {
        return start(name, command, workDir, env, true);
    }

    /**
     * The guard: a shell that starts a watcher on a copy of stdin, then execs the command (so the pid stays the
     * command's). When stdin reaches its end the watcher sends SIGTERM to that pid, and only while the pid still
     * runs exactly this command.
     */
    static final String GUARD = "exec 3<&0; expected=\"$*\"; "
            + "( cat <&3 >/dev/null; [ \"$(tr '\\000' ' ' < /proc/$$/cmdline 2>/dev/null)\" = \"$expected \" ] && kill -TERM $$ ) & "
            + "exec 3<&-; exec \"$@\"";

    public synchronized Process startHelper(String name, List<String> command, Path workDir, Map<String, String> env) {
        return start(name, command, workDir, env, false);
    }

    private Process start(String name, List<String> command, Path workDir, Map<String, String> env, boolean guard) {
        List<String> full = command;
        if (guard) {
            full = new ArrayList<>(List.of("/bin/sh", "-c", GUARD, "guard"));
            full.addAll(command);
        }
        ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("HUKZ_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            running.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command.get(0), e);
        }
    }

    public Path log(String name) {
        return logDir.resolve(name + ".log");
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}; its own child processes are killed too. */
    public void stop(Process p, int graceSeconds) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        synchronized (this) {
            running.remove(p);
        }
    }

    private void stopAll() {
        List<Process> left;
        synchronized (this) {
            left = new ArrayList<>(running);
        }
        for (int i = left.size() - 1; i >= 0; i--) {
            stop(left.get(i), 20);
        }
    }

    /** Waits until the log of {@code name} has a line starting with {@code marker} and returns it; fails when the process ends first. */
    public String awaitLine(Process p, String name, String marker, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Path log = log(name);
        while (System.currentTimeMillis() < deadline) {
            try {
                if (Files.exists(log)) {
                    var line = Files.readAllLines(log).stream().filter(l -> l.startsWith(marker)).findFirst();
                    if (line.isPresent()) {
                        return line.get();
                    }
                }
            } catch (IOException | UncheckedIOException ignored) {
                // half-written line: read again
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + log);
            }
            sleep(50);
        }
        throw new IllegalStateException(name + " not ready after " + timeoutMillis + " ms; see " + log);
    }

    /** Peak resident set size (VmHWM) of a running process, in KiB; -1 when unknown. */
    public static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // process gone
        }
        return -1;
    }

    /** CPU time (user + system, and that of its reaped children) of a process, in ms; 0 when it is gone. */
    public static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state is field 3, so utime (14), stime (15), cutime (16), cstime (17) are 11..14
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return ticks * 1000 / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU time of a process and all its live descendants (PostgreSQL: the postmaster and every backend), in ms. */
    public static long treeCpuMillis(ProcessHandle root) {
        return cpuMillis(root.pid()) + root.descendants().mapToLong(h -> cpuMillis(h.pid())).sum();
    }

    /** USER_HZ: 100 on every Linux this runs on. */
    static final long CLOCK_TICKS = 100;

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
