package hukz.record;

import org.apache.camel.Exchange;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * seda:record's queue (the bean {@code recordQueue}): outcomes handed over and not yet taken into a batch. It is a
 * plain bounded {@link LinkedBlockingQueue} to Camel's seda endpoint, plus one thing for {@link RecordBatch}: the
 * record consumer can wait out its linger without being woken by every outcome that comes meanwhile, only when enough
 * have come to fill its batch ({@link #awaitSize}).
 *
 * <p>Why: a consumer lingering in {@code poll(timeout)} is signalled by every offer, and at a moderate rate (the bench's
 * s3, one outcome every 2 ms) that was one wake-up of the record thread per attempt, and one futex call on the thread
 * that handed the outcome over — the HTTP client's I/O thread, on the way to its next response. Here the first outcome
 * of a batch wakes the consumer (it waits in seda's poll), and the rest wake no one until the batch is full.
 */
public final class RecordQueue extends LinkedBlockingQueue<Exchange> {
    /** The record consumer while it lingers, else null. */
    private volatile Thread lingering;
    /** The size of the queue at which the lingering consumer is woken: enough to fill its batch. */
    private volatile int wanted = Integer.MAX_VALUE;

    public RecordQueue(int capacity) {
        super(capacity);
    }

    @Override
    public boolean offer(Exchange e) {
        boolean added = super.offer(e);
        if (added) {
            wakeIfWanted();
        }
        return added;
    }

    @Override
    public boolean offer(Exchange e, long timeout, TimeUnit unit) throws InterruptedException {
        boolean added = super.offer(e, timeout, unit);
        if (added) {
            wakeIfWanted();
        }
        return added;
    }

    @Override
    public void put(Exchange e) throws InterruptedException {
        super.put(e);
        wakeIfWanted();
    }

    private void wakeIfWanted() {
        Thread waiting = lingering;
        if (waiting != null && size() >= wanted) {
            LockSupport.unpark(waiting);
        }
    }

    /**
     * Waits until at least {@code count} outcomes wait in the queue, or {@code deadlineNanos} ({@link System#nanoTime})
     * has passed, or the thread is interrupted (stopping: the interrupt stays set). Only the record route's one consumer
     * calls it.
     */
    void awaitSize(int count, long deadlineNanos) {
        wanted = count;
        // lingering is written before the size is read, and an offer counts itself before it reads lingering:
        // so either the offer sees the consumer waiting, or the consumer sees the offer's outcome
        lingering = Thread.currentThread();
        try {
            long left;
            while (size() < count && (left = deadlineNanos - System.nanoTime()) > 0
                    && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            lingering = null;
            wanted = Integer.MAX_VALUE;
        }
    }
}
