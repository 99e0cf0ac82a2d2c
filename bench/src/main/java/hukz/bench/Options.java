package hukz.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The harness's command line. */
record Options(List<String> scenarios, List<String> systems, int reps, boolean quick, int warmupDeliveries, boolean jfr,
               boolean receipts,
               List<String> jvmOpts, List<String> receiverJvmOpts, Path root, Path benchJar, Path resultsDir,
               int timeoutSec, int stallSec, int inflight, String pgSynchronousCommit) {

    static final String USAGE = """
            usage: bench/run.sh [options]
              --scenarios s1,s2,...     which scenarios, s1..s7 (default: s1-s5; s6,s7 = noisy neighbours, on request)
              --systems hukz,baseline   which systems (default: both; they alternate within each scenario)
              --reps N                  repetitions; figures are the median over them (default 1)
              --quick                   smaller counts, for smoke checks
              --warmup N                deliveries sent and awaited before measuring, per run (default 2000, quick 200; 0 = none);
                                        a paced scenario (s3, s6) sends them at its own rate
              --jfr                     record hukz with JFR (profile settings) into the run's folder
              --receipts                write each run's deliveries (publish and first receipt, epoch micros, and
                                        the path) into the run's folder, SYSTEM_SCENARIO_rN.receipts
              --jvm-opts "..."          JVM options for both systems under test (default: the launcher's, from
                                        ROOT/jvm.options, as run.sh starts hukz; "" = none)
              --receiver-jvm-opts "..." JVM options for the bench's receiver (default "-XX:TieredStopAtLevel=1
                                        -XX:+UseSerialGC": compiled once during its warm-up, never again while a
                                        system is measured; "" = the JVM's defaults)
              --timeout S               give up on a run after S seconds (default 600)
              --stall S                 give up when nothing moved for S seconds (default 30)
              --pg-sync-commit on|off   PostgreSQL synchronous_commit (default on, as PostgreSQL ships; off skips the
                                        WAL flush wait at each commit)
              --inflight N              the baseline's concurrent HTTP requests (default 32)
              --root DIR                the hukz project root (default: the current directory)
              --results DIR             where results go (default: ROOT/bench/results)
            """;

    /**
     * The receiver's JIT stops at C1. With C2 it went on compiling while systems were measured, whenever the requests
     * it got changed (another scenario's paths, the other system's client): in one s1 run its C2 thread took 0.9 s of
     * CPU, ~45 µs per delivery, all charged to the machine the measured system runs on, and more to whichever system
     * came first after a change (hukz's s1 in repetitions 1 and 3: receiver CPU per delivery 0.030-0.064 ms against
     * 0.0135-0.0185 in repetition 2, when the pipeline ran s1 before it).
     */
    static final List<String> RECEIVER_JVM_OPTS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private static final List<String> VALUED = List.of("--scenarios", "--systems", "--reps", "--warmup", "--jvm-opts",
            "--receiver-jvm-opts", "--timeout", "--stall", "--inflight", "--pg-sync-commit", "--root", "--results");

    static Options parse(String[] args) {
        List<String> scenarios = List.of("s1", "s2", "s3", "s4", "s5");
        List<String> systems = List.of("hukz", "baseline");
        int reps = 1;
        boolean quick = false;
        Integer warmup = null;
        boolean jfr = false;
        boolean receipts = false;
        List<String> jvmOpts = null;
        List<String> receiverJvmOpts = RECEIVER_JVM_OPTS;
        Path root = Path.of("").toAbsolutePath();
        Path results = null;
        int timeout = 600;
        int stall = 30;
        int inflight = 32;
        String syncCommit = "on";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--jfr" -> jfr = true;
                case "--receipts" -> receipts = true;
                case "-h", "--help" -> throw new HelpRequested();
                default -> {
                    if (!VALUED.contains(a)) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value for " + a);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--scenarios" -> scenarios = list(v, Scenario.names());
                        case "--systems" -> systems = list(v, List.of("hukz", "baseline"));
                        case "--reps" -> reps = positive(a, v);
                        case "--warmup" -> warmup = Integer.parseInt(v);
                        case "--jvm-opts" -> jvmOpts = words(v);
                        case "--receiver-jvm-opts" -> receiverJvmOpts = words(v);
                        case "--timeout" -> timeout = positive(a, v);
                        case "--stall" -> stall = positive(a, v);
                        case "--inflight" -> inflight = positive(a, v);
                        case "--pg-sync-commit" -> syncCommit = list(v, List.of("on", "off")).get(0);
                        case "--root" -> root = Path.of(v).toAbsolutePath().normalize();
                        case "--results" -> results = Path.of(v).toAbsolutePath();
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                }
            }
        }
        Path jar;
        try {
            jar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (jvmOpts == null) {
            // the launcher's (run.sh) options, so peak RSS is what a user gets; both systems run with them
            jvmOpts = launcherJvmOpts(root.resolve("jvm.options"));
        }
        return new Options(scenarios, systems, reps, quick, warmup != null ? warmup : quick ? 200 : 2000, jfr, receipts, jvmOpts,
                receiverJvmOpts, root, jar, results != null ? results : root.resolve("bench/results"), timeout, stall,
                inflight, syncCommit);
    }

    /**
     * The options of a java @-file as the launcher reads this one: words separated by white space, "#" to the end of
     * the line a comment (jvm.options has no quoted words). Read here rather than passed as "@file" so that the
     * results record the options themselves.
     */
    static List<String> launcherJvmOpts(Path file) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int comment = line.indexOf('#');
                out.addAll(words(comment < 0 ? line : line.substring(0, comment)));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the launcher's JVM options: " + e.getMessage());
        }
        return List.copyOf(out);
    }

    /** Thrown for --help: usage goes to stdout and the exit code is 0. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super(null, null, false, false);
        }
    }

    private static List<String> list(String v, List<String> allowed) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            s = s.trim().toLowerCase();
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException("unknown value " + s + " (allowed: " + String.join(",", allowed) + ")");
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<String> words(String v) {
        return v.isBlank() ? List.of() : Arrays.asList(v.trim().split("\\s+"));
    }

    private static int positive(String name, String v) {
        int n = Integer.parseInt(v);
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }
}
