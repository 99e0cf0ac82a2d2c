package hukz.isolation;

import hukz.policy.CircuitPolicy.Verdict;
import hukz.policy.CircuitPolicy;
import hukz.store.CircuitState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The circuit's rules (SPEC §8) on their own: which outcomes count, when it opens, how the cool-down grows. */
class CircuitPolicyTest {
    private final CircuitPolicy policy = new CircuitPolicy(3, Duration.ofSeconds(30));
    private final Instant t0 = Instant.parse("2026-11-29T12:00:00Z");

    private CircuitState run(CircuitState s, Verdict... verdicts) {
        for (Verdict v : verdicts) {
            s = policy.apply(s, v, false, t0);
        }
        return s;
    }

    @Test
    void opensOnTheThirdFailureInARowAndOnlyThen() {
        CircuitState two = run(CircuitState.INITIAL, Verdict.FAILED, Verdict.FAILED);
        assertThat(two.circuit()).isEqualTo("closed");
        assertThat(two.failingSince()).isEqualTo(t0);
        CircuitState open = run(two, Verdict.FAILED);
        assertThat(open.circuit()).isEqualTo("open");
        assertThat(open.nextProbeAt()).isEqualTo(t0.plusSeconds(30));
        assertThat(run(CircuitState.INITIAL, Verdict.FAILED, Verdict.FAILED, Verdict.ANSWERED, Verdict.FAILED).circuit())
                .as("a 4xx answer breaks the run").isEqualTo("closed");
    }

    @Test
    void outcomesThatCountAgainstTheReceiver() {
        assertThat(CircuitPolicy.verdict("5xx")).isEqualTo(Verdict.FAILED);
        assertThat(CircuitPolicy.verdict("timeout")).isEqualTo(Verdict.FAILED);
        assertThat(CircuitPolicy.verdict("connection_error")).isEqualTo(Verdict.FAILED);
        assertThat(CircuitPolicy.verdict("4xx")).isEqualTo(Verdict.ANSWERED);
        assertThat(CircuitPolicy.verdict("2xx")).isEqualTo(Verdict.SUCCESS);
        assertThat(CircuitPolicy.verdict("refused")).as("hukz refused the address; the receiver is not at fault").isEqualTo(Verdict.NEUTRAL);
    }

    @Test
    void aFailedProbeDoublesTheWaitUpToTenMinutes() {
        CircuitState s = run(CircuitState.INITIAL, Verdict.FAILED, Verdict.FAILED, Verdict.FAILED);
        long[] expected = {60, 120, 240, 480, 600, 600};
        for (long seconds : expected) {
            CircuitState halfOpen = new CircuitState("half_open", s.consecutiveFailures(), s.failingSince(), s.nextProbeAt(), s.cooldownMs());
            s = policy.apply(halfOpen, Verdict.FAILED, true, t0);
            assertThat(s.circuit()).isEqualTo("open");
            assertThat(s.nextProbeAt()).isEqualTo(t0.plusSeconds(seconds));
        }
    }

    @Test
    void attemptsOutWhenItOpenedDoNotMoveTheProbe() {
        CircuitState open = run(CircuitState.INITIAL, Verdict.FAILED, Verdict.FAILED, Verdict.FAILED);
        CircuitState later = policy.apply(open, Verdict.FAILED, false, t0.plusSeconds(5));
        assertThat(later.circuit()).isEqualTo("open");
        assertThat(later.nextProbeAt()).isEqualTo(open.nextProbeAt());
    }

    @Test
    void successClosesAndClearsEverything() {
        CircuitState open = run(CircuitState.INITIAL, Verdict.FAILED, Verdict.FAILED, Verdict.FAILED);
        assertThat(policy.apply(open, Verdict.SUCCESS, true, t0)).isEqualTo(CircuitState.INITIAL);
        CircuitState answered = policy.apply(open, Verdict.ANSWERED, true, t0);
        assertThat(answered.circuit()).isEqualTo("closed");
        assertThat(answered.failingSince()).as("only a 2xx ends 'failing' for disable_after").isEqualTo(t0);
    }
}
