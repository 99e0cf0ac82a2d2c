package hukz.config;

import hukz.support.Scratch;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Precedence: HUKZ_<KEY> environment over the config file over the default; keys case-insensitive. */
class ConfigSourceTest {

    private static Path root(String name, String text) throws Exception {
        Path dir = Scratch.dir("config");
        Files.writeString(dir.resolve(name), text);
        return dir;
    }

    @Test
    void readsYamlWithKeysInAnyCase() throws Exception {
        Map<String, String> raw = ConfigSource.read(root("config.yml", "SERVER_PORT: 9001\nQueue_Group: blue\n"), Map.of());
        HukzConfig config = HukzConfig.from(raw);
        assertThat(config.serverPort()).isEqualTo(9001);
        assertThat(config.queueGroup()).isEqualTo("blue");
    }

    @Test
    void readsConfigYamlToo() throws Exception {
        HukzConfig config = HukzConfig.from(ConfigSource.read(root("config.yaml", "server_port: 9006\nnats_subject: \"orders.>\"\n"),
                Map.of()));
        assertThat(config.serverPort()).isEqualTo(9006);
        assertThat(config.natsSubject()).isEqualTo("orders.>");
    }

    @Test
    void readsJsonAndEnvFiles() throws Exception {
        assertThat(HukzConfig.from(ConfigSource.read(root("config.json", "{\"server_port\": 9002}"), Map.of())).serverPort()).isEqualTo(9002);
        assertThat(HukzConfig.from(ConfigSource.read(root("config.env", "# comment\nHUKZ_SERVER_PORT=9003\nmode=\"development\"\n"),
                Map.of())).serverPort()).isEqualTo(9003);
    }

    @Test
    void environmentWinsOverTheFileAndTheFileOverDefaults() throws Exception {
        Path dir = root("config.yml", "server_port: 9004\ndelivery_timeout: 3s\n");
        HukzConfig config = HukzConfig.from(ConfigSource.read(dir, Map.of("HUKZ_SERVER_PORT", "9005")));
        assertThat(config.serverPort()).isEqualTo(9005);
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.logRetentionDays()).isEqualTo(30);
        assertThat(config.retrySchedule()).hasSize(8);
    }

    @Test
    void productionRequiresExternalServersAndRefusesPrivateUrlsByDefault() {
        assertThat(catchThrowable(() -> HukzConfig.from(Map.of("mode", "production", "nats_url", "nats://n:4222"))))
                .hasMessageContaining("database_host");
        assertThat(catchThrowable(() -> HukzConfig.from(Map.of("mode", "production", "database_host", "db"))))
                .as("production has no embedded NATS").isInstanceOf(ConfigException.class).hasMessageContaining("nats_url");
        assertThat(catchThrowable(() -> HukzConfig.from(Map.of("mode", "production", "database_host", "db", "nats_url", "embedded"))))
                .hasMessageContaining("nats_url");
        HukzConfig config = HukzConfig.from(Map.of("mode", "production", "database_host", "db", "nats_url", "nats://n:4222"));
        assertThat(config.allowPrivateUrls()).isFalse();
        assertThat(HukzConfig.from(Map.of()).allowPrivateUrls()).isTrue();
    }

    @Test
    void malformedValuesNameTheirKeyAndNeverThePassword() {
        for (Map.Entry<String, String> bad : Map.of("database_port", "x", "retry_schedule", "5s,,1m", "delivery_timeout", "soon",
                "log_retention_days", "-1", "allow_private_urls", "maybe", "mode", "staging", "nats_url", "localhost").entrySet()) {
            Throwable t = catchThrowable(() -> HukzConfig.from(Map.of(bad.getKey(), bad.getValue(), "database_password", "pw-Sekr3t")));
            assertThat(t).as(bad.getKey()).isInstanceOf(ConfigException.class).hasMessageContaining(bad.getKey());
            assertThat(t.getMessage()).doesNotContain("pw-Sekr3t").doesNotContain("\n");
        }
    }
}
