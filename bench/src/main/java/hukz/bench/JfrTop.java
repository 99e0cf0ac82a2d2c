package hukz.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JFR recording (e.g. from {@code bench/run.sh --jfr}) and prints where CPU samples fall: top methods
 * by self time, top methods by total (inclusive) time, optionally only frames whose class starts with a prefix,
 * and the threads that were sampled most.
 * Also where threads waited (socket reads, parks, monitor waits) by the first frame of the prefix.
 * {@code java -cp bench/target/hukz-bench.jar hukz.bench.JfrTop FILE.jfr [TOP=25] [PREFIX] [THREAD-PREFIX]}
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String prefix = args.length > 2 && !args[2].isEmpty() ? args[2] : null;
        String threadPrefix = args.length > 3 ? args[3] : null;
        Map<String, Long> waits = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            var sampled = e.hasField("sampledThread") ? e.getThread("sampledThread") : e.getThread();
            String threadName = sampled == null ? "?" : String.valueOf(sampled.getJavaName());
            if (threadPrefix != null && !threadName.startsWith(threadPrefix)) {
                continue;
            }
            if (type.equals("jdk.SocketRead") || type.equals("jdk.ThreadPark") || type.equals("jdk.JavaMonitorEnter")
                    || type.equals("jdk.JavaMonitorWait") || type.equals("jdk.SocketWrite")) {
                RecordedStackTrace st = e.getStackTrace();
                String where = st == null ? "?" : firstMatching(st.getFrames(), prefix);
                waits.merge(type.substring(4) + " " + threadName.replaceAll("\\d+", "N") + " @ " + where,
                        e.getDuration().toMillis(), Long::sum);
                continue;
            }
            if (type.equals("jdk.ObjectAllocationSample")) {
                RecordedStackTrace st = e.getStackTrace();
                String where = st == null ? "?" : firstMatching(st.getFrames(), prefix);
                allocations.merge(where, e.getLong("weight"), Long::sum);
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            threads.merge(threadName.replaceAll("\\d+", "N"), 1, Integer::sum);
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if ((prefix == null || n.startsWith(prefix)) && seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.println(samples + " execution samples in " + file);
        print("top self", self, samples, top);
        print("top total" + (prefix == null ? "" : " (" + prefix + "*)"), total, samples, top);
        print("threads", threads, samples, top);
        System.out.println("\n== waiting (ms, summed over threads; events over the recording's thresholds)");
        waits.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("%8d  %s%n", en.getValue(), en.getKey()));
        long allBytes = allocations.values().stream().mapToLong(Long::longValue).sum();
        System.out.println("\n== allocation (sampled bytes) by first " + (prefix == null ? "" : prefix + "* ") + "frame");
        allocations.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("%6.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, allBytes), en.getKey()));
    }

    private static String firstMatching(List<RecordedFrame> frames, String prefix) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (prefix == null || n.startsWith(prefix)) {
                return n;
            }
        }
        return frames.isEmpty() ? "?" : name(frames.get(0));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.println("\n== " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("%6.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, samples), en.getKey()));
    }
}
