package hukz.bench;

import java.util.List;

/**
 * One workload: how many NATS messages, to how many webhooks, how fast (0 = as fast as the publisher can),
 * what share of receiver answers are 500 (with the retry schedule both systems then use), and how many more
 * webhooks of the same event point at an endpoint that never answers (the noisy neighbours: their
 * deliveries are neither expected nor waited for; every figure is the healthy webhooks' own).
 */
public record Scenario(String name, String description, int messages, int webhooks, int ratePerSecond, int failPercent,
                       String retrySchedule, int hangingWebhooks) {
    /** hukz's default schedule; with no failures no retry is ever due. */
    static final String DEFAULT_RETRY = "5s,30s,2m,10m,30m,1h,3h,6h";
    static final String FAST_RETRY = "200ms,500ms,1s";
    /** Rate of the noisy-neighbour pair s6/s7: well within what both systems sustain alone. */
    static final int NOISY_RATE = 100;

    /** A scenario without never-answering webhooks (the shape scenarios had before s7). */
    public Scenario(String name, String description, int messages, int webhooks, int ratePerSecond, int failPercent,
                    String retrySchedule) {
        this(name, description, messages, webhooks, ratePerSecond, failPercent, retrySchedule, 0);
    }

    /** Deliveries expected to arrive: those of the healthy webhooks. */
    public int deliveries() {
        return messages * webhooks;
    }

    public static List<Scenario> all(boolean quick) {
        return List.of(
                new Scenario("s1", "messages as fast as possible to 1 webhook", quick ? 2_000 : 20_000, 1, 0, 0, DEFAULT_RETRY, 0),
                new Scenario("s2", "messages to 10 webhooks each", quick ? 200 : 2_000, 10, 0, 0, DEFAULT_RETRY, 0),
                new Scenario("s3", "messages at a steady 500/s to 1 webhook", quick ? 1_000 : 5_000, 1, 500, 0, DEFAULT_RETRY, 0),
                new Scenario("s4", "s1 with 10% of answers 500 (retries under load)", quick ? 2_000 : 20_000, 1, 0, 10, FAST_RETRY, 0),
                new Scenario("s5", "messages to 1,000 webhooks each (fan-out cost)", quick ? 2 : 10, 1_000, 0, 0, DEFAULT_RETRY, 0),
                new Scenario("s6", "messages at 100/s to 1 healthy webhook, alone (s7's reference)", quick ? 300 : 1_000, 1,
                        NOISY_RATE, 0, DEFAULT_RETRY, 0),
                new Scenario("s7", "as s6, beside 10 webhooks that never answer (noisy neighbours)", quick ? 300 : 1_000, 1,
                        NOISY_RATE, 0, DEFAULT_RETRY, 10));
    }

    static List<String> names() {
        return all(false).stream().map(Scenario::name).toList();
    }
}
