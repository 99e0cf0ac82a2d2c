package hukz.security;

import hukz.record.BatchQueue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An Error while writing a batch (an OutOfMemoryError under memory pressure) costs that batch, not the thread. */
class BatchQueueSurvivesErrorTest {
    @Test
    void keepsDrainingAfterAnOutOfMemoryError() {
        List<String> written = new CopyOnWriteArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        BatchQueue<String> queue = new BatchQueue<>("test-queue", 100, 10, batch -> {
            if (batch.contains("poison") && failed.compareAndSet(false, true)) {
                throw new OutOfMemoryError("Java heap space (simulated)");
            }
            written.addAll(batch);
        });
        queue.start();
        try {
            assertThat(queue.offer("poison")).isTrue();
            await().atMost(Duration.ofSeconds(10)).untilTrue(failed);
            assertThat(queue.offer("after")).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> written.contains("after"));
        } finally {
            queue.close(5000);
        }
    }
}
