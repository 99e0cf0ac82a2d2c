package hukz.record;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The record route's batch (routes/record.camel.yaml): the outcome its consumer took from seda:record and those
 * waiting behind it in the same queue, up to {@link #MAX}, become one list on that exchange — and, when fewer than
 * that wait, those that come within {@link #LINGER} of the first. Under load one statement serves hundreds of
 * attempts, as the aggregator did that this replaces, without it copying each outcome's exchange once more and asking
 * its completion for every one (a quarter of the delivery path's routing, timed alone in bench/path-cost).
 *
 * <p>Why the linger: at a steady, moderate rate (the bench's s3: one attempt every 2 ms) every outcome was a
 * statement of its own, and each statement has a price that does not depend on its size — a round trip, a commit and
 * its WAL flush, the counter triggers, the route's own steps: about 0.4 ms of PostgreSQL and 0.3 ms of hukz per attempt
 * there. A few milliseconds' wait shares that among several attempts. The wait is for log rows only: the attempts
 * themselves are made and answered; their deliveries stay leased until their state is written.
 *
 * <p>Why 20 ms: at 5 ms a batch at s3 held 3–6 outcomes, and the statements' fixed price was still PostgreSQL's
 * largest cost there. With 20 ms (about 10 outcomes a batch at s3), hukz alone, four pairs alternated in both orders:
 * PostgreSQL's CPU per delivery 0.48–0.61 ms against 0.65–0.79, hukz's 0.93–1.23 against 1.08–1.35, p99 lower or
 * equal in all four. Every CPU millisecond counts there: s3's slow deliveries are those in flight while something
 * else takes one of the machine's two cores (bench/README.md), and the less work each message costs, the sooner
 * the backlog of such a moment is gone. A log row may now wait up to 15 ms longer to be written.
 *
 * <p>The linger is waited out in {@link RecordQueue#awaitSize}, not in a {@code poll} per outcome: outcomes that come
 * meanwhile wake the consumer only when they fill the batch (at s3 a poll per outcome was one wake-up of this thread
 * and one futex call on the HTTP client's I/O thread per attempt).
 *
 * <p>Only the route's one consumer takes from the queue, so what is taken here is what it would have taken next.
 * Nothing is held between batches: a route reload or a shutdown finds every outcome not yet written in the queue.
 */
public final class RecordBatch implements Processor {
    /** At most this many outcomes in one statement. */
    public static final int MAX = 500;
    /** How long a batch that is not full waits for more outcomes after its first. */
    public static final Duration LINGER = Duration.ofMillis(20);
    private final RecordQueue queue;
    private final long lingerNanos;

    public RecordBatch(RecordQueue queue) {
        this(queue, LINGER);
    }

    RecordBatch(RecordQueue queue, Duration linger) {
        this.queue = queue;
        this.lingerNanos = linger.toNanos();
    }

    @Override
    public void process(Exchange exchange) {
        long until = System.nanoTime() + lingerNanos;
        List<Exchange> taken = new ArrayList<>();
        queue.drainTo(taken, MAX - 1);
        if (taken.size() < MAX - 1) {
            queue.awaitSize(MAX - 1 - taken.size(), until);
            queue.drainTo(taken, MAX - 1 - taken.size());
        }
        List<Object> batch = new ArrayList<>(taken.size() + 1);
        batch.add(exchange.getMessage().getBody());
        for (Exchange next : taken) {
            batch.add(next.getMessage().getBody());
            // what the outcome's exchange was to do when done (none on hukz's routes today) is done with the batch
            next.getExchangeExtension().handoverCompletions(exchange);
        }
        exchange.getMessage().setBody(batch);
    }
}
