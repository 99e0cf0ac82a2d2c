package hukz.bench;

import java.util.List;

/** hukz or the baseline: started fresh for each run on its own database, then stopped. */
interface SystemUnderTest {
    /** A webhook of a run: where it points (path on the receiver) and, once known, its secret. */
    record Hook(String path, String url) {
    }

    /** A started system: its process, its database, and how long it took from process start to ready. */
    record Running(Process process, String database, int port, double readySec) {
    }

    String name();

    /** Starts the system on a fresh database, waits for ready, and makes {@code hooks} receive {@code subject}. */
    Running start(Env env, String database, String subject, List<Hook> hooks, Scenario scenario) throws Exception;

    /** The table with one row per attempt. */
    String logTable();
}
