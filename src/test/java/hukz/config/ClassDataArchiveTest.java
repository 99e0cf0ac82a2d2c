package hukz.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/cds-archive.sh, which run.sh and the bench use to start hukz faster: it records a class data sharing
 * archive from one start of hukz (on embedded servers of its own), and a JVM given that archive loads hukz's
 * classes from it. Run on hukz's classes packed into a jar (the JVM archives classes from jars, not directories) and
 * the test class path's dependency jars, in place of target/hukz.jar, which does not exist yet when tests run.
 */
class ClassDataArchiveTest {
    @TempDir
    Path dir;

    @Test
    void theScriptRecordsAnArchiveFromOneStartAndTheJvmLoadsHukzFromIt() throws Exception {
        String classPath = classPathWithHukzAsJar();
        Path archive = dir.resolve("hukz.jsa");

        Run recorded = run(List.of("bash", "scripts/cds-archive.sh", archive.toString(), "-cp", classPath, "hukz.Hukz"),
                Path.of(System.getProperty("user.dir")), 300);
        assertThat(recorded.exit).as(recorded.output).isZero();
        assertThat(recorded.output).contains("cds-archive: wrote " + archive);
        assertThat(Files.size(archive)).isGreaterThan(1_000_000);

        // production mode without database_host stops right after reading the configuration: enough classes loaded
        Path cwd = Files.createDirectory(dir.resolve("cwd"));
        Run started = run(List.of(javaBinary(), "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info",
                "-cp", classPath, "hukz.Hukz"), cwd, 60, "HUKZ_MODE", "production");
        assertThat(started.output).contains("missing required key database_host");
        assertThat(started.output).contains("hukz.config.HukzConfig source: shared objects file (top)");
        assertThat(started.output).contains("hukz.Hukz source: shared objects file (top)");
    }

    /** The test class path with target/classes as a jar and the other directories left out. */
    private String classPathWithHukzAsJar() throws IOException {
        Path classes = Path.of("target/classes").toAbsolutePath();
        Path jar = dir.resolve("hukz-classes.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        List<String> entries = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> command, Path cwd, int timeoutSeconds, String... env) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(name -> name.toUpperCase(Locale.ROOT).startsWith("HUKZ_"));
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command.get(1) + " did not end in " + timeoutSeconds + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
