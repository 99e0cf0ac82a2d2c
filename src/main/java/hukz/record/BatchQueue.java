package hukz.record;

import hukz.record.BatchQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A bounded queue drained by one thread in batches: whatever has arrived while the last batch was being
 * written goes into the next one, so under load one database round trip serves hundreds of items and
 * when idle an item waits for nobody. {@link #close} writes what is left before returning.
 */
public final class BatchQueue<T> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);
    private final String name;
    private final BlockingQueue<T> queue;
    private final int maxBatch;
    private final Consumer<List<T>> writer;
    private volatile boolean accepting = true;
    private Thread thread;

    public BatchQueue(String name, int capacity, int maxBatch, Consumer<List<T>> writer) {
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.writer = writer;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::drain, name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Adds an item without waiting; false when the queue is full or closed. */
    public boolean offer(T item) {
        return accepting && queue.offer(item);
    }

    /** Adds an item, waiting for room (back-pressure on the caller); false when closed. */
    public boolean put(T item) {
        try {
            while (accepting) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Items waiting (not counting the batch being written). */
    public int size() {
        return queue.size();
    }

    /** Items that can still be added without waiting. */
    public int room() {
        return queue.remainingCapacity();
    }

    private void drain() {
        List<T> batch = new ArrayList<>(maxBatch);
        while (accepting || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                writer.accept(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                // Any failure, an OutOfMemoryError included, costs this batch only: the thread must go on draining.
                LOG.error("{}: a batch of {} could not be written: {}", name, batch.size(), e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /** Stops taking items and waits (bounded) until those already taken are written. */
    public void close(long timeoutMillis) {
        accepting = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return;
        }
        try {
            t.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            LOG.warn("{}: {} items not written at shutdown", name, queue.size());
        }
    }
}
