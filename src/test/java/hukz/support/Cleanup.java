package hukz.support;

/** Closes what a test class started, every one of them even when one fails or was never started (null). */
public final class Cleanup {
    private Cleanup() {
    }

    /** Closes in the order given; the first failure is thrown once all have been tried. */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
