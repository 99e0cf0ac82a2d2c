package hukz.config;

import hukz.support.Scratch;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A nats-server left behind by a SIGKILLed hukz is stopped before a new one starts on the same store. */
class StaleProcessTest {

    @Test
    void stopsTheServerAPreviousRunLeftOnTheSameData() throws Exception {
        Path data = Scratch.dir("stale");
        Path store = data.resolve("nats");
        Process orphan = new ProcessBuilder(EmbeddedNatsServer.findBinary(), "-a", "127.0.0.1", "-p", "-1", "-js", "-sd",
                store.toAbsolutePath().toString()).start();
        try {
            Files.writeString(data.resolve("nats-server.pid"), orphan.pid() + "\n");

            StaleProcess.stop(data.resolve("nats-server.pid"), "nats-server", store);

            assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            // when StaleProcess failed to stop it, the test must not leave it running
            orphan.destroyForcibly();
        }
    }

    @Test
    void leavesAnUnrelatedProcessAlone() throws Exception {
        Path data = Scratch.dir("stale");
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(data.resolve("nats-server.pid"), other.pid() + "\n");
            StaleProcess.stop(data.resolve("nats-server.pid"), "nats-server", data.resolve("nats"));
            assertThat(other.isAlive()).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void configErrorsNameTheKey() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                HukzConfig.from(java.util.Map.of("server_port", "eighty")))).hasMessageContaining("server_port");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                HukzConfig.from(java.util.Map.of("retry_schedule", "5s,soon")))).hasMessageContaining("retry_schedule");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                HukzConfig.from(java.util.Map.of("mode", "production")))).hasMessageContaining("database_host");
    }
}
