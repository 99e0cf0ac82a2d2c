package hukz.isolation;

import hukz.config.ConfigException;
import hukz.config.HukzConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SPEC §2: the flow-control keys, their defaults, and malformed values stopping start-up with the key named. */
class FlowConfigTest {

    @Test
    void defaultsAreTheSpecs() {
        HukzConfig c = HukzConfig.from(Map.of());
        assertThat(c.maxInFlight()).isEqualTo(16);
        assertThat(c.circuitFailures()).isEqualTo(5);
        assertThat(c.circuitCooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.disableAfter()).isEqualTo(Duration.ofDays(5));
        assertThat(c.operatorSubjectPrefix()).isEqualTo("hukz.");
    }

    @Test
    void valuesAreReadAndZeroOrEmptyTurnThingsOff() {
        HukzConfig c = HukzConfig.from(Map.of("max_in_flight", "4", "circuit_failures", "2", "circuit_cooldown", "5s",
                "disable_after", "0", "operator_subject_prefix", ""));
        assertThat(c.maxInFlight()).isEqualTo(4);
        assertThat(c.circuitFailures()).isEqualTo(2);
        assertThat(c.circuitCooldown()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.disableAfter()).isZero();
        assertThat(c.operatorSubjectPrefix()).isEmpty();
        assertThat(HukzConfig.from(Map.of("disable_after", "36h", "operator_subject_prefix", "ops.hukz.")).operatorSubjectPrefix())
                .isEqualTo("ops.hukz.");
    }

    @Test
    void malformedValuesNameTheirKey() {
        for (Map.Entry<String, String> bad : Map.of("max_in_flight", "0", "circuit_failures", "many", "circuit_cooldown", "soon",
                "disable_after", "-1d", "operator_subject_prefix", "hukz").entrySet()) {
            assertThatThrownBy(() -> HukzConfig.from(Map.of(bad.getKey(), bad.getValue())))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(bad.getKey());
        }
        assertThatThrownBy(() -> HukzConfig.from(Map.of("max_in_flight", "1001"))).hasMessageContaining("max_in_flight");
    }
}
