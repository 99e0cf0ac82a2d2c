package hukz.bench;

/**
 * What one run of one system on one scenario measured. Times are from the first publish; latency is
 * publish → the receiver's first 200 for that delivery (so in s4 it includes retry waits). CPU is what the
 * system's process (and, separately, all of PostgreSQL) used between the first publish and the end, per
 * delivery: on a shared machine a steadier figure than the rates. PostgreSQL's work (WAL bytes, write
 * transactions, statements, rows written) is per delivery too; see PgWork. {@code stalls}: how much of the slow tail
 * was in flight while the machine's own kernel threads took CPU (MachineStalls).
 */
public record Figures(String system, String scenario, int rep, int expected, long delivered, double deliveriesPerSec,
                      double storedSec, double logsCommittedSec, double p50Ms, double p95Ms, double p99Ms, long lost, long duplicates,
                      long seqDuplicates, double peakRssMb, double readySec,
                      double cpuMsPerDelivery, double pgCpuMsPerDelivery, long requests, long failedAnswers,
                      long logRows, long verifiedSignatures, long badSignatures, boolean settled, String note,
                      double cpuPercent, double receiverCpuMsPerDelivery, PgWork pg, double pgWalBytesPerDelivery,
                      double pgWriteTxPerDelivery, double pgStatementsPerDelivery, double pgRowsWrittenPerDelivery, long hungRequests,
                      MachineStalls stalls) {

    /** A run that broke before it could be measured (start-up failed, the API refused, ...). */
    static Figures failed(String system, Scenario scenario, int rep, String why) {
        double n = Double.NaN;
        return new Figures(system, scenario.name(), rep, scenario.deliveries(), 0, n, n, n, n, n, n, scenario.deliveries(), 0, 0,
                n, n, n, n, 0, 0, 0, 0, 0, false, "failed: " + why, n, n, PgWork.NONE, n, n, n, n, 0,
                MachineStalls.NONE);
    }
}
