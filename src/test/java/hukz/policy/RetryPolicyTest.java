package hukz.policy;

import hukz.store.Delivery;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The retry policy's table (SPEC §5, §8), on a schedule of 5 s, 30 s, 2 min: four attempts at most. Each row
 * is decided twice, with the least and the most jitter, so every wait is checked exactly at both ends of its
 * 10% band.
 */
class RetryPolicyTest {
    private static final List<Duration> STEPS = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2));
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The HTTP-dates below are read against this instant. */
    private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");
    private static final LongUnaryOperator LEAST = most -> 0;
    private static final LongUnaryOperator MOST = most -> most;

    private static RetryPolicy policy(LongUnaryOperator jitter) {
        return new RetryPolicy(STEPS, TIMEOUT, jitter);
    }

    /**
     * {@code attempt} is the number of the attempt just made; status 0 is no answer (timeout, connection error);
     * {@code waitMs} is the wait before the next attempt without its jitter (blank unless the outcome is RETRY).
     */
    @ParameterizedTest(name = "attempt {0}, status {1}, Retry-After ''{2}'', probe {3} -> {4} {5}")
    @CsvSource(delimiter = '|', nullValues = "", textBlock = """
            # 2xx delivers, on any attempt; the edges of the range
            1 | 200 |                               | false | DELIVERED |
            1 | 199 |                               | false | RETRY     | 5000
            1 | 299 |                               | false | DELIVERED |
            1 | 300 |                               | false | RETRY     | 5000
            1 | 204 |                               | false | DELIVERED |
            4 | 200 |                               | false | DELIVERED |
            # every other answer and every failure waits its step: first step, middle, last, past the last
            1 | 0   |                               | false | RETRY     | 5000
            2 | 500 |                               | false | RETRY     | 30000
            3 | 404 |                               | false | RETRY     | 120000
            4 | 500 |                               | false | FAILED    |
            4 | 0   |                               | false | FAILED    |
            5 | 502 |                               | false | FAILED    |
            # 410 Gone fails at once and disables the webhook, wherever in the schedule
            1 | 410 |                               | false | DISABLE   |
            3 | 410 |                               | false | DISABLE   |
            4 | 410 |                               | false | DISABLE   |
            # Retry-After on 429 and 503: max(step, min(R, 2 x step))
            2 | 429 | 1                             | false | RETRY     | 30000
            2 | 429 | 0                             | false | RETRY     | 30000
            2 | 503 | 30                            | false | RETRY     | 30000
            2 | 429 | 45                            | false | RETRY     | 45000
            2 | 503 | 45                            | false | RETRY     | 45000
            2 | 429 | 60                            | false | RETRY     | 60000
            2 | 503 | 61                            | false | RETRY     | 60000
            2 | 503 | 3600                          | false | RETRY     | 60000
            1 | 429 | 7                             | false | RETRY     | 7000
            1 | 429 | 11                            | false | RETRY     | 10000
            3 | 503 | 200                           | false | RETRY     | 200000
            # it stretches a wait; it never adds an attempt
            4 | 429 | 60                            | false | FAILED    |
            # as an HTTP-date (in 45 s, in the past, in a year)
            2 | 503 | Wed, 21 Oct 2015 07:28:45 GMT | false | RETRY     | 45000
            2 | 503 | Wed, 21 Oct 2015 07:20:00 GMT | false | RETRY     | 30000
            2 | 429 | Fri, 21 Oct 2016 07:28:00 GMT | false | RETRY     | 60000
            # garbage counts as absent
            2 | 429 | soon                          | false | RETRY     | 30000
            2 | 429 | -1                            | false | RETRY     | 30000
            2 | 503 | 1.5                           | false | RETRY     | 30000
            2 | 503 | 2015-10-21T07:28:45Z          | false | RETRY     | 30000
            # only 429 and 503 may ask for more time
            2 | 500 | 45                            | false | RETRY     | 30000
            2 | 404 | 45                            | false | RETRY     | 30000
            2 | 0   | 45                            | false | RETRY     | 30000
            # a probe of an open circuit is an attempt like any other: a failed one spends its step
            1 | 0   |                               | true  | RETRY     | 5000
            2 | 503 |                               | true  | RETRY     | 30000
            4 | 500 |                               | true  | FAILED    |
            2 | 200 |                               | true  | DELIVERED |
            1 | 410 |                               | true  | DISABLE   |
            """)
    void decides(int attempt, int status, String retryAfter, boolean probe, String expected, Long waitMs) {
        for (LongUnaryOperator jitter : List.of(LEAST, MOST)) {
            Outcome o = policy(jitter).decide(attempt, status, retryAfter, probe, NOW);
            switch (expected) {
                case "DELIVERED" -> {
                    assertThat(o).isInstanceOf(Outcome.Delivered.class);
                    assertThat(o.status()).isEqualTo(Delivery.DELIVERED);
                    assertThat(o.nextAttemptAt()).isNull();
                    assertThat(o.disableReason()).isNull();
                }
                case "RETRY" -> {
                    long most = jitter == MOST ? waitMs / 10 : 0;
                    assertThat(o).isEqualTo(new Outcome.RetryAt(NOW.plusMillis(waitMs + most)));
                    assertThat(o.status()).isEqualTo(Delivery.PENDING);
                    assertThat(o.disableReason()).isNull();
                }
                case "FAILED" -> {
                    assertThat(o).isInstanceOf(Outcome.Failed.class);
                    assertThat(o.status()).isEqualTo(Delivery.FAILED);
                    assertThat(o.nextAttemptAt()).isNull();
                    assertThat(o.disableReason()).isNull();
                }
                case "DISABLE" -> {
                    assertThat(o).isEqualTo(new Outcome.FailedAndDisable("receiver answered 410 Gone"));
                    assertThat(o.status()).isEqualTo(Delivery.FAILED);
                    assertThat(o.nextAttemptAt()).isNull();
                }
                default -> throw new IllegalArgumentException(expected);
            }
        }
    }

    @Test
    void jitterMayAddAtMostATenthOfTheWait() {
        List<Long> asked = new ArrayList<>();
        RetryPolicy p = policy(most -> {
            asked.add(most);
            return 0;
        });
        p.decide(1, 500, null, false, NOW);
        p.decide(2, 429, "45", false, NOW);
        p.decide(3, 503, "3600", false, NOW);
        assertThat(asked).containsExactly(500L, 4500L, 24000L);
    }

    @Test
    void aWaitTooShortForAMillisecondOfJitterGetsNone() {
        RetryPolicy p = new RetryPolicy(List.of(Duration.ofMillis(9)), TIMEOUT, most -> {
            throw new AssertionError("no jitter expected for a 9 ms wait");
        });
        assertThat(p.decide(1, 500, null, false, NOW)).isEqualTo(new Outcome.RetryAt(NOW.plusMillis(9)));
    }

    @RepeatedTest(20)
    void realJitterStaysWithinTenPercent() {
        RetryPolicy p = new RetryPolicy(STEPS, TIMEOUT);
        Instant next = p.decide(2, 500, null, false, NOW).nextAttemptAt();
        assertThat(next).isBetween(NOW.plusSeconds(30), NOW.plusSeconds(33));
    }

    @Test
    void realJitterSpreadsTheRetriesOfOneOutage() {
        RetryPolicy p = new RetryPolicy(STEPS, TIMEOUT);
        long distinct = IntStream.range(0, 50).mapToObj(i -> p.decide(2, 500, null, false, NOW).nextAttemptAt()).distinct().count();
        assertThat(distinct).isGreaterThan(1);
    }

    @Test
    void retryAfterIsCappedAtAWeekBeforeTheStepCap() {
        RetryPolicy longSteps = new RetryPolicy(List.of(Duration.ofDays(5)), TIMEOUT, LEAST);
        assertThat(longSteps.decide(1, 503, "99999999999", false, NOW)).isEqualTo(new Outcome.RetryAt(NOW.plus(Duration.ofDays(7))));
        assertThat(longSteps.decide(1, 503, "99999999999999999999", false, NOW)).isEqualTo(new Outcome.RetryAt(NOW.plus(Duration.ofDays(7))));
    }

    @Test
    void anEmptyScheduleMakesOneAttempt() {
        RetryPolicy once = new RetryPolicy(List.of(), TIMEOUT, LEAST);
        assertThat(once.maxAttempts()).isEqualTo(1);
        assertThat(once.decide(1, 500, null, false, NOW)).isInstanceOf(Outcome.Failed.class);
        assertThat(once.decide(1, 200, null, false, NOW)).isInstanceOf(Outcome.Delivered.class);
    }

    @Test
    void maxAttemptsIsTheFirstAndOnePerStep() {
        assertThat(policy(LEAST).maxAttempts()).isEqualTo(4);
    }

    @Test
    void aDeliveryOfAGoneWebhookFailsWithoutDisablingAgain() {
        Outcome o = policy(LEAST).webhookGone();
        assertThat(o).isInstanceOf(Outcome.Failed.class);
        assertThat(o.disableReason()).isNull();
    }

    @Test
    void leaseIsTwiceTheDeliveryTimeoutAndFiveSeconds() {
        assertThat(new RetryPolicy(STEPS, Duration.ofSeconds(30)).lease()).isEqualTo(Duration.ofSeconds(65));
        assertThat(new RetryPolicy(STEPS, Duration.ofMillis(1500)).lease()).isEqualTo(Duration.ofSeconds(8));
    }

    @ParameterizedTest(name = "steps {0} -> poll every {1} ms")
    @CsvSource(delimiter = '|', textBlock = """
            5s,30s,2m    | 200
            400ms        | 200
            399ms        | 199
            30s,250ms,2m | 125
            100ms        | 50
            60ms         | 50
            """)
    void pollIsHalfTheShortestStepBetween50And200Ms(String steps, long expectedMs) {
        assertThat(new RetryPolicy(hukz.config.DurationParser.parseList("retry_schedule", steps), TIMEOUT).pollMillis()).isEqualTo(expectedMs);
    }

    @Test
    void pollOfAnEmptyScheduleIs200Ms() {
        assertThat(new RetryPolicy(List.of(), TIMEOUT).pollMillis()).isEqualTo(200);
    }

    @Test
    void retryAfterInSeconds() {
        assertThat(RetryPolicy.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryPolicy.parseRetryAfter(" 3 ", NOW)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryPolicy.parseRetryAfter("0", NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("99999999999", NOW)).isEqualTo(Duration.ofDays(7));
        assertThat(RetryPolicy.parseRetryAfter("99999999999999999999", NOW)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void retryAfterAsHttpDate() {
        assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:45 GMT", NOW)).isEqualTo(Duration.ofSeconds(45));
        assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:20:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("Fri, 21 Oct 2016 07:28:00 GMT", NOW)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void unreadableRetryAfterCountsAsAbsent() {
        for (String garbage : new String[] {null, "", "  ", "-1", "1.5", "soon", "2015-10-21T07:28:00Z"}) {
            assertThatCode(() -> RetryPolicy.parseRetryAfter(garbage, NOW)).doesNotThrowAnyException();
            assertThat(RetryPolicy.parseRetryAfter(garbage, NOW)).as(garbage).isNull();
        }
    }
}
