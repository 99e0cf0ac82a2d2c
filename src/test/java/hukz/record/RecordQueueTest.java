package hukz.record;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** seda:record's queue: the lingering record consumer is woken when its batch can be filled, by any way of adding. */
class RecordQueueTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(60);
    private final CamelContext camel = new DefaultCamelContext();
    private final RecordQueue queue = new RecordQueue(100);

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void theWaitEndsWhenEnoughOutcomesWaitWhicheverWayTheyCame() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            addLater(() -> {
                queue.offer(outcome());
                queue.put(outcome());
                queue.offer(outcome(), 1, TimeUnit.SECONDS);
                queue.add(outcome());
            });
            queue.awaitSize(4, System.nanoTime() + LONG);
        });
        assertThat(queue).hasSize(4);
    }

    @Test
    void fewerOutcomesThanWantedWaitUntilTheDeadline() {
        queue.add(outcome());
        long start = System.nanoTime();
        queue.awaitSize(2, start + TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(queue).hasSize(1);
    }

    @Test
    void enoughOutcomesAlreadyWaitingEndTheWaitAtOnce() {
        queue.add(outcome());
        queue.add(outcome());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> queue.awaitSize(2, System.nanoTime() + LONG));
    }

    @Test
    void anInterruptEndsTheWaitAndStaysSet() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Thread t = addLater(Thread.currentThread()::interrupt);
            queue.awaitSize(1, System.nanoTime() + LONG);
            assertThat(Thread.interrupted()).as("interrupt kept").isTrue();
            t.join();
        });
    }

    private interface Step {
        void run() throws Exception;
    }

    private static Thread addLater(Step step) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
                step.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    private Exchange outcome() {
        return new DefaultExchange(camel);
    }
}
