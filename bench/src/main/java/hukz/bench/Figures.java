package hukz.bench;

/**
 * What one run of one system on one scenario measured. Times are from the first publish; latency is
 * publish → the receiver's first 200 for that delivery (so in s4 it includes retry waits).
 */
public record Figures(String system, String scenario, int rep, int expected, long delivered, double deliveriesPerSec,
                      double logsCommittedSec, double p50Ms, double p95Ms, double p99Ms, long lost, long duplicates,
                      long seqDuplicates, double peakRssMb, double readySec, long requests, long failedAnswers,
                      long logRows, long verifiedSignatures, long badSignatures, boolean settled, String note) {
}
