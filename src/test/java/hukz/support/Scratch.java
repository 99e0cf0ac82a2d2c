package hukz.support;

import org.apache.camel.util.FileUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test JVM's scratch files (configs, logs, data directories, browser profiles), all in one directory under the
 * system's temporary directory that is removed when the JVM exits, so a run of the suite leaves nothing behind
 * however its tests end. Processes the tests start (hukz, nats-server, chromium) write into it too.
 */
public final class Scratch {
    private static final Path ROOT = createRoot();

    private Scratch() {
    }

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("hukz-tests");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileUtil.removeDir(root.toFile()), "hukz-scratch-cleanup"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty directory whose name starts with {@code prefix}. */
    public static Path dir(String prefix) {
        try {
            return Files.createTempDirectory(ROOT, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty file whose name starts with {@code prefix} and ends with {@code suffix}. */
    public static Path file(String prefix, String suffix) {
        try {
            return Files.createTempFile(ROOT, prefix, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Vert.x's file cache directory for a hukz the tests start in a process of their own (as a JVM option): Vert.x
     * removes its cache when it closes, which a process that is killed never does.
     */
    public static String vertxCacheOption() {
        return "-Dvertx.cacheDirBase=" + ROOT.resolve("vertx-cache");
    }
}
