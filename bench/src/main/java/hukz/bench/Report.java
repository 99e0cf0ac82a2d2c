package hukz.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a bench run as a table (medians over repetitions, hukz/baseline ratios) and as JSON (every
 * run, plus the same summary).
 */
final class Report {
    /** A figure of the table: how to read it off a run, and whether the worst run (max) or the median counts. */
    record Metric(String key, String label, ToDoubleFunction<Figures> value, boolean worst, String format) {
    }

    static final List<Metric> METRICS = List.of(
            new Metric("deliveries_per_sec", "deliveries/s (first publish -> last receipt)", Figures::deliveriesPerSec, false, "%.0f"),
            new Metric("stored_sec", "all deliveries stored (s after first publish)", Figures::storedSec, false, "%.2f"),
            new Metric("logs_committed_sec", "all log rows committed (s after first publish)", Figures::logsCommittedSec, false, "%.2f"),
            new Metric("latency_p50_ms", "latency p50 (ms, publish -> receipt)", Figures::p50Ms, false, "%.1f"),
            new Metric("latency_p95_ms", "latency p95 (ms)", Figures::p95Ms, false, "%.1f"),
            new Metric("latency_p99_ms", "latency p99 (ms)", Figures::p99Ms, false, "%.1f"),
            new Metric("lost", "lost (worst run)", f -> f.lost(), true, "%.0f"),
            new Metric("duplicates", "duplicates (worst run)", f -> f.duplicates() + f.seqDuplicates(), true, "%.0f"),
            new Metric("cpu_ms_per_delivery", "CPU of the system (ms per delivery)", Figures::cpuMsPerDelivery, false, "%.3f"),
            new Metric("pg_cpu_ms_per_delivery", "CPU of PostgreSQL (ms per delivery)", Figures::pgCpuMsPerDelivery, false, "%.3f"),
            new Metric("cpu_percent", "CPU of the system (% of one core, load span)", Figures::cpuPercent, false, "%.0f"),
            new Metric("receiver_cpu_ms_per_delivery", "CPU of the bench receiver (ms per delivery)", Figures::receiverCpuMsPerDelivery, false, "%.3f"),
            new Metric("pg_wal_bytes_per_delivery", "PostgreSQL WAL bytes per delivery", Figures::pgWalBytesPerDelivery, false, "%.0f"),
            new Metric("pg_write_tx_per_delivery", "PostgreSQL write transactions per delivery", Figures::pgWriteTxPerDelivery, false, "%.4f"),
            new Metric("pg_statements_per_delivery", "PostgreSQL statements per delivery (no BEGIN/COMMIT)", Figures::pgStatementsPerDelivery, false, "%.4f"),
            new Metric("pg_rows_written_per_delivery", "PostgreSQL rows written per delivery", Figures::pgRowsWrittenPerDelivery, false, "%.2f"),
            new Metric("peak_rss_mb", "peak RSS (MiB, VmHWM)", Figures::peakRssMb, false, "%.0f"),
            new Metric("ready_sec", "start-to-ready (s)", Figures::readySec, false, "%.2f"));

    private final Options options;
    private final List<Figures> runs;
    private final String commit;

    Report(Options options, List<Figures> runs, String commit) {
        this.options = options;
        this.runs = runs;
        this.commit = commit;
    }

    double summary(String scenario, String system, Metric m) {
        double[] v = runs.stream().filter(f -> f.scenario().equals(scenario) && f.system().equals(system))
                .mapToDouble(m.value()).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        if (m.worst()) {
            return v[v.length - 1];
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        List<String> systems = options.systems();
        boolean ratio = systems.contains("hukz") && systems.contains("baseline");
        out.append(String.format(Locale.ROOT, "hukz bench  commit %s  %s  reps %d (median)  synchronous_commit=%s  %d CPUs%n", commit,
                options.quick() ? "QUICK" : "full", options.reps(), options.pgSynchronousCommit(), Runtime.getRuntime().availableProcessors()));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-4s %-48s", "", "figure"));
        systems.forEach(s -> header.append(String.format(Locale.ROOT, " %12s", s)));
        if (ratio) {
            header.append(String.format(Locale.ROOT, " %12s", "hukz/base"));
        }
        out.append(header).append('\n');
        for (Scenario sc : Scenario.all(options.quick())) {
            if (!options.scenarios().contains(sc.name())) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%s: %d %s%n", sc.name(), sc.messages(), sc.description()
                    + (sc.webhooks() > 1 ? " (" + sc.deliveries() + " deliveries)" : "")));
            for (Metric m : METRICS) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-4s %-48s", "", m.label()));
                for (String s : systems) {
                    double v = summary(sc.name(), s, m);
                    row.append(String.format(Locale.ROOT, " %12s", Double.isNaN(v) ? "-" : String.format(Locale.ROOT, m.format(), v)));
                }
                if (ratio) {
                    double r = summary(sc.name(), "hukz", m) / summary(sc.name(), "baseline", m);
                    row.append(String.format(Locale.ROOT, " %12s", Double.isNaN(r) || Double.isInfinite(r) ? "-"
                            : String.format(Locale.ROOT, "%.2f", r)));
                }
                out.append(row).append('\n');
            }
            runs.stream().filter(f -> f.scenario().equals(sc.name()) && (!f.settled() || f.badSignatures() > 0 || f.failedAnswers() > 0))
                    .forEach(f -> out.append(String.format(Locale.ROOT, "     note %s r%d: %s%s%s%n", f.system(), f.rep(),
                            f.failedAnswers() > 0 ? f.requests() + " requests, " + f.failedAnswers() + " answered 500" : "",
                            f.badSignatures() > 0 ? "; " + f.badSignatures() + " BAD SIGNATURES" : "",
                            f.settled() ? "" : "; did not settle: " + f.note())));
        }
        return out.toString();
    }

    String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode meta = root.putObject("meta");
        meta.put("finished_at", Instant.now().toString());
        meta.put("hukz_commit", commit);
        meta.put("quick", options.quick());
        meta.put("reps", options.reps());
        meta.put("warmup_deliveries", options.warmupDeliveries());
        meta.put("jvm_opts", String.join(" ", options.jvmOpts()));
        meta.put("receiver_jvm_opts", String.join(" ", options.receiverJvmOpts()));
        meta.put("baseline_inflight", options.inflight());
        meta.put("pg_synchronous_commit", options.pgSynchronousCommit());
        meta.put("cpus", Runtime.getRuntime().availableProcessors());
        meta.put("java", System.getProperty("java.version"));
        ArrayNode scenarios = meta.putArray("scenarios");
        Scenario.all(options.quick()).stream().filter(s -> options.scenarios().contains(s.name()))
                .forEach(s -> scenarios.add(mapper.valueToTree(s)));
        ObjectNode summary = root.putObject("summary");
        for (String sc : options.scenarios()) {
            ObjectNode node = summary.putObject(sc);
            for (Metric m : METRICS) {
                ObjectNode mn = node.putObject(m.key());
                for (String s : options.systems()) {
                    put(mn, s, summary(sc, s, m));
                }
                if (options.systems().containsAll(Arrays.asList("hukz", "baseline"))) {
                    put(mn, "ratio", summary(sc, "hukz", m) / summary(sc, "baseline", m));
                }
            }
        }
        root.set("runs", mapper.valueToTree(new ArrayList<>(runs)));
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(ObjectNode node, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            node.putNull(key);
        } else {
            node.put(key, v);
        }
    }
}
