package hukz.record;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.UnitOfWorkHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The record route's batch: the outcome taken and what waits behind it, in order, never more than a statement takes. */
class RecordBatchTest {
    private final CamelContext camel = new DefaultCamelContext();
    private final RecordQueue queue = new RecordQueue(10_000);
    private final RecordBatch batch = new RecordBatch(queue);

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void aLoneOutcomeIsABatchOfOne() {
        Exchange taken = outcome("a");
        batch.process(taken);
        assertThat(taken.getMessage().getBody(List.class)).containsExactly("a");
    }

    @Test
    void whatWaitsBehindTheOutcomeJoinsItsBatchInOrder() {
        queue.add(outcome("b"));
        queue.add(outcome("c"));
        Exchange taken = outcome("a");
        batch.process(taken);
        assertThat(taken.getMessage().getBody(List.class)).containsExactly("a", "b", "c");
        assertThat(queue).isEmpty();
    }

    @Test
    void aBatchStopsAtItsSizeAndLeavesTheRestForTheNext() {
        for (int i = 1; i <= RecordBatch.MAX + 20; i++) {
            queue.add(outcome("o" + i));
        }
        Exchange first = outcome("o0");
        batch.process(first);
        List<Object> one = first.getMessage().getBody(List.class);
        assertThat(one).hasSize(RecordBatch.MAX).startsWith("o0", "o1").endsWith((Object) ("o" + (RecordBatch.MAX - 1)));
        assertThat(queue).hasSize(21);

        Exchange next = queue.poll();
        batch.process(next);
        List<String> expected = new ArrayList<>();
        for (int i = RecordBatch.MAX; i <= RecordBatch.MAX + 20; i++) {
            expected.add("o" + i);
        }
        assertThat(next.getMessage().getBody(List.class)).containsExactlyElementsOf(expected);
    }

    @Test
    void anOutcomeComingWithinTheLingerJoinsTheBatch() throws Exception {
        RecordBatch lingering = new RecordBatch(queue, Duration.ofSeconds(30));
        Exchange taken = outcome("a");
        Thread later = addLater(() -> {
            queue.add(outcome("b"));
            for (int i = 0; i < RecordBatch.MAX; i++) {
                queue.add(outcome("c" + i));
            }
        });
        // the batch ends when it is full, not when the linger is over
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> lingering.process(taken));
        later.join();
        assertThat(taken.getMessage().getBody(List.class)).hasSize(RecordBatch.MAX).startsWith("a", "b", "c0");
        assertThat(queue).hasSize(2);
    }

    @Test
    void outcomesComingWithinTheLingerJoinTheBatchWhenItIsOver() throws Exception {
        RecordBatch lingering = new RecordBatch(queue, Duration.ofMillis(500));
        Exchange taken = outcome("a");
        Thread later = addLater(() -> {
            queue.add(outcome("b"));
            queue.add(outcome("c"));
        });
        lingering.process(taken);
        later.join();
        assertThat(taken.getMessage().getBody(List.class)).containsExactly("a", "b", "c");
        assertThat(queue).isEmpty();
    }

    @Test
    void aBatchWaitsNoLongerThanTheLinger() {
        RecordBatch lingering = new RecordBatch(queue, Duration.ofMillis(20));
        Exchange taken = outcome("a");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> lingering.process(taken));
        assertThat(taken.getMessage().getBody(List.class)).containsExactly("a");
    }

    @Test
    void whatAnOutcomeWasToDoWhenDoneIsDoneWithItsBatch() {
        AtomicInteger done = new AtomicInteger();
        Exchange waiting = outcome("b");
        waiting.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange exchange) {
                done.incrementAndGet();
            }
        });
        queue.add(waiting);
        Exchange taken = outcome("a");
        batch.process(taken);
        assertThat(done).hasValue(0);
        assertThat(waiting.getExchangeExtension().handoverCompletions()).as("moved to the batch").isNullOrEmpty();
        UnitOfWorkHelper.doneSynchronizations(taken, taken.getExchangeExtension().handoverCompletions());
        assertThat(done).hasValue(1);
    }

    /** Runs {@code adds} on a thread of its own 50 ms from now, while the batch lingers. */
    private static Thread addLater(Runnable adds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            adds.run();
        });
        t.start();
        return t;
    }

    private Exchange outcome(Object body) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setBody(body);
        return e;
    }
}
