package hukz.bench;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/** What every helper process of the harness shares: it ends when the harness goes away, and one clock. */
public final class Child {
    private Child() {
    }

    /**
     * The harness keeps each helper's stdin open; when the harness dies (even by SIGKILL) the pipe closes and
     * the helper exits, running its shutdown hooks, so no PostgreSQL or receiver is left behind.
     */
    public static void exitWhenParentGone() {
        Thread t = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[64];
            try {
                while (in.read(buf) >= 0) {
                    // nothing is ever sent; reading only waits for the end of the stream
                }
            } catch (IOException ignored) {
                // treated like end of stream
            }
            System.exit(0);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** Wall-clock time in microseconds since the epoch; comparable across processes on one machine. */
    public static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return fallback;
    }
}
