package hukz;

import hukz.config.ConfigException;
import hukz.config.HukzConfig;

import java.nio.file.Path;

/** Starts hukz from the project root: config.yml + HUKZ_ environment, routes from routes/. */
public final class Hukz {
    private Hukz() {
    }

    public static void main(String[] args) {
        HukzService service;
        try {
            service = HukzService.create(HukzConfig.load(Path.of("")), Path.of("data"));
        } catch (ConfigException e) {
            System.err.println("hukz: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("hukz: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            service.run();
        } catch (Exception e) {
            System.err.println("hukz: stopped on error: " + e.getMessage());
            service.stop();
            System.exit(1);
        }
        System.exit(service.main().getExitCode());
    }
}
