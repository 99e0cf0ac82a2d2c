package hukz;

import hukz.config.ConfigException;
import hukz.config.HukzConfig;
import hukz.config.Redact;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Starts hukz from the project root: config.yml + HUKZ_ environment, routes from routes/. */
public final class Hukz {
    private Hukz() {
    }

    public static void main(String[] args) {
        HukzService service;
        try {
            service = HukzService.create(HukzConfig.load(Path.of("")), Path.of("data"));
        } catch (ConfigException e) {
            System.err.println("hukz: " + Redact.credentials(e.getMessage()));
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("hukz: cannot start: " + Redact.credentials(e.getMessage()));
            System.exit(1);
            return;
        }
        // On SIGTERM the JVM exits once its shutdown hooks are done; this one holds it until hukz has
        // stopped Camel and then the servers it started, so no nats-server or postgres is left behind.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hukz-shutdown"));
        int exitCode = 0;
        try {
            service.run();
            exitCode = service.main().getExitCode();
        } catch (Exception e) {
            System.err.println("hukz: stopped on error: " + Redact.credentials(e.getMessage()));
            exitCode = 1;
        } finally {
            service.close();
            stopped.countDown();
        }
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }
}
