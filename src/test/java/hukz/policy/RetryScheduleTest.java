package hukz.policy;


import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryScheduleTest {
    private static final Duration S5 = Duration.ofSeconds(5);
    private static final Duration S30 = Duration.ofSeconds(30);
    private static final Duration M2 = Duration.ofMinutes(2);
    private final RetrySchedule schedule = new RetrySchedule(List.of(S5, S30, M2));

    /** The delay without its jitter must lie in [base, base + 10%]. */
    private static void assertWithinJitter(Duration delay, Duration base) {
        assertThat(delay).isBetween(base, base.plusMillis(base.toMillis() / 10));
    }

    @Test
    void eachFailedAttemptWaitsItsStep() {
        assertWithinJitter(schedule.delayAfter(1, null), S5);
        assertWithinJitter(schedule.delayAfter(2, null), S30);
        assertWithinJitter(schedule.delayAfter(3, null), M2);
    }

    @Test
    void afterTheLastStepNothingIsLeft() {
        assertThat(schedule.maxAttempts()).isEqualTo(4);
        assertThat(schedule.delayAfter(4, null)).isNull();
        assertThat(schedule.delayAfter(5, Duration.ofSeconds(1))).isNull();
        assertThat(schedule.nextAttemptAt(4, null, Instant.now())).isNull();
        assertThat(new RetrySchedule(List.of()).delayAfter(1, null)).isNull();
    }

    @Test
    void nextAttemptIsNowPlusDelay() {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");
        assertThat(schedule.nextAttemptAt(1, null, now)).isBetween(now.plus(S5), now.plus(S5).plusMillis(500));
    }

    @Test
    void retryAfterBelowTheStepKeepsTheStep() {
        assertWithinJitter(schedule.delayAfter(2, Duration.ofSeconds(1)), S30);
        assertWithinJitter(schedule.delayAfter(2, Duration.ZERO), S30);
    }

    @Test
    void retryAfterBetweenStepAndTwiceStepIsHonoured() {
        assertWithinJitter(schedule.delayAfter(2, Duration.ofSeconds(45)), Duration.ofSeconds(45));
        assertWithinJitter(schedule.delayAfter(1, Duration.ofSeconds(7)), Duration.ofSeconds(7));
    }

    @Test
    void retryAfterIsCappedAtTwiceTheStep() {
        assertWithinJitter(schedule.delayAfter(2, Duration.ofSeconds(3600)), Duration.ofSeconds(60));
        assertWithinJitter(schedule.delayAfter(1, Duration.ofSeconds(11)), Duration.ofSeconds(10));
    }

    @RepeatedTest(20)
    void jitterStaysWithinTenPercent() {
        RetrySchedule s = new RetrySchedule(List.of(Duration.ofSeconds(10)));
        assertWithinJitter(s.delayAfter(1, null), Duration.ofSeconds(10));
    }

    @Test
    void jitterActuallySpreadsRetries() {
        RetrySchedule s = new RetrySchedule(List.of(Duration.ofSeconds(10)));
        long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> s.delayAfter(1, null)).distinct().count();
        assertThat(distinct).isGreaterThan(1);
    }

    @Test
    void retryAfterHeaderInSeconds() {
        Instant now = Instant.now();
        assertThat(RetrySchedule.parseRetryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetrySchedule.parseRetryAfter(" 3 ", now)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetrySchedule.parseRetryAfter("0", now)).isEqualTo(Duration.ZERO);
        assertThat(RetrySchedule.parseRetryAfter("99999999999", now)).isEqualTo(Duration.ofDays(7));
        assertThat(RetrySchedule.parseRetryAfter("99999999999999999999", now)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void retryAfterHeaderAsHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:28:00Z");
        assertThat(RetrySchedule.parseRetryAfter("Wed, 21 Oct 2015 07:28:45 GMT", now)).isEqualTo(Duration.ofSeconds(45));
        assertThat(RetrySchedule.parseRetryAfter("Wed, 21 Oct 2015 07:20:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetrySchedule.parseRetryAfter("Fri, 21 Oct 2016 07:28:00 GMT", now)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void unreadableRetryAfterCountsAsAbsent() {
        Instant now = Instant.now();
        assertThat(RetrySchedule.parseRetryAfter(null, now)).isNull();
        assertThat(RetrySchedule.parseRetryAfter("", now)).isNull();
        assertThat(RetrySchedule.parseRetryAfter("-1", now)).isNull();
        assertThat(RetrySchedule.parseRetryAfter("1.5", now)).isNull();
        assertThat(RetrySchedule.parseRetryAfter("soon", now)).isNull();
        assertThat(RetrySchedule.parseRetryAfter("2015-10-21T07:28:00Z", now)).isNull();
    }

    @Test
    void shortestStepIsTheSmallest() {
        assertThat(new RetrySchedule(List.of(S30, S5, M2)).shortestStep()).isEqualTo(S5);
    }
}
