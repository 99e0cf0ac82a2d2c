package hukz.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * When the machine's own kernel threads took CPU during a run: every 5 ms it reads the CPU ticks of the kernel's
 * DAMON monitors ({@code kdamond.N}, the memory-access sampler some VMs run for reclaim) and notes the time whenever
 * one was charged a tick (10 ms of CPU).
 *
 * <p>Why: on the 2-core machines hukz is measured on, kdamond samples physical memory every 500 ms and then holds a
 * core for 10–30 ms. s3's slow deliveries (over 10 ms) came in clusters every ~545 ms for both systems, and so did
 * stalls of the bench's own publisher; in one hukz run 181 of its 221 slow deliveries were in flight while kdamond
 * was charged a tick, against 168 of the 4,779 others. With this, each run says how much of its tail that was
 * ({@link MachineStalls}). On a machine without DAMON it finds no thread and reports nothing.
 */
final class KernelThreadWatch implements AutoCloseable {
    private static final long POLL_MILLIS = 5;
    private final List<Long> pids;
    private final List<Long> tickMicros = new ArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private KernelThreadWatch(List<Long> pids) {
        this.pids = pids;
        this.poller = new Thread(this::poll, "kernel-thread-watch");
        poller.setDaemon(true);
    }

    /** Starts watching the kdamond threads there are now (none: a watch that sees nothing). */
    static KernelThreadWatch start() {
        KernelThreadWatch watch = new KernelThreadWatch(kdamondPids());
        if (!watch.pids.isEmpty()) {
            watch.poller.start();
        }
        return watch;
    }

    private static List<Long> kdamondPids() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).startsWith("kdamond");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private long ticksNow() {
        long sum = 0;
        for (long pid : pids) {
            sum += Procs.cpuMillis(pid) / (1000 / Procs.CLOCK_TICKS);
        }
        return sum;
    }

    private void poll() {
        long last = ticksNow();
        while (running) {
            long now = ticksNow();
            if (now > last) {
                long at = Child.micros();
                synchronized (tickMicros) {
                    for (long i = last; i < now; i++) {
                        tickMicros.add(at);
                    }
                }
                last = now;
            }
            Procs.sleep(POLL_MILLIS);
        }
    }

    @Override
    public void close() {
        running = false;
        if (poller.isAlive()) {
            try {
                poller.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether any kdamond thread was found to watch. */
    boolean watching() {
        return !pids.isEmpty();
    }

    /** When a tick was charged, epoch micros, in order. */
    long[] tickMicros() {
        synchronized (tickMicros) {
            long[] out = tickMicros.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(out);
            return out;
        }
    }
}
