package hukz.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** What every run shares: the started processes, PostgreSQL, nats-server, the receiver and the options. */
public final class Env {
    final Options options;
    final Procs procs;
    final Path outDir;
    final int pgPort;
    final String natsUrl;
    final String receiverBase;
    /** The postmaster: its backends are its children. */
    final ProcessHandle postgres;
    /** The receiver: its CPU is measured too, to show it is never what limits a run. */
    final ProcessHandle receiver;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Env(Options options, Procs procs, Path outDir, ProcessHandle postgres, ProcessHandle receiver, int pgPort, String natsUrl,
        String receiverBase) {
        this.postgres = postgres;
        this.receiver = receiver;
        this.options = options;
        this.procs = procs;
        this.outDir = outDir;
        this.pgPort = pgPort;
        this.natsUrl = natsUrl;
        this.receiverBase = receiverBase;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    /** The harness's polling connection: read-only role, so its statements are not counted as the system's. */
    Connection observe(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), PgWork.OBSERVER, "");
    }

    void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
    }

    void dropDatabase(String name) {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("bench: could not drop " + name + ": " + e.getMessage());
        }
    }

    /** Java command for a helper in the bench jar, with the options given for both systems under test. */
    List<String> benchJava(String mainClass, List<String> jvmOpts, String... args) {
        var cmd = new java.util.ArrayList<String>();
        cmd.add(javaBin());
        cmd.addAll(jvmOpts);
        cmd.add("-cp");
        cmd.add(options.benchJar().toString());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code url} until it answers 200; returns false when the process ends or the time is up. */
    boolean awaitReady(Process p, String url, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            try {
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            Procs.sleep(20);
        }
        return false;
    }
}
