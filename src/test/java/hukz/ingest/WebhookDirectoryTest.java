package hukz.ingest;

import hukz.store.Event;
import hukz.store.Webhook;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routing table in memory against its table in the database: once a change is committed and invalidated, no
 * message is matched against the table from before it, whichever thread is reloading it at the time.
 */
class WebhookDirectoryTest {
    private final AtomicLong version = new AtomicLong(1);
    private final AtomicReference<List<Webhook>> table = new AtomicReference<>(List.of());
    private final AtomicLong reads = new AtomicLong();

    /** Reads as a query does: the rows committed when it starts, whenever it returns. */
    private List<Webhook> read(CountDownLatch started, CountDownLatch release) {
        List<Webhook> rows = table.get();
        reads.incrementAndGet();
        started.countDown();
        try {
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rows;
    }

    private void commit(Webhook w) {
        table.set(List.of(w));
        version.incrementAndGet();
    }

    @Test
    void aMessageMatchedWhileAnotherThreadReloadsSeesTheWebhookCreatedBeforeIt() throws Exception {
        CountDownLatch slowReadStarted = new CountDownLatch(1);
        CountDownLatch releaseSlowRead = new CountDownLatch(1);
        AtomicReference<Boolean> slow = new AtomicReference<>(false);
        WebhookDirectory directory = new WebhookDirectory(version::get,
                () -> slow.get() ? read(slowReadStarted, releaseSlowRead) : read(new CountDownLatch(1), new CountDownLatch(0)), 60_000);
        assertThat(directory.match("post.created", Map.of())).isEmpty();

        // the API creates a webhook for post.created (committed), then invalidates the table
        commit(webhook(7, "post.created"));
        directory.invalidate();

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // the record thread asks about a webhook first: its reload reads the new table, slowly
            slow.set(true);
            CompletableFuture<Webhook> recordThread = CompletableFuture.supplyAsync(() -> directory.enabled(7), threads);
            assertThat(slowReadStarted.await(10, TimeUnit.SECONDS)).isTrue();
            slow.set(false);
            // meanwhile the ingest thread matches the message published after the webhook was created
            CompletableFuture<List<Webhook>> ingestThread = CompletableFuture.supplyAsync(
                    () -> directory.match("post.created", Map.of()), threads);
            Thread.sleep(200);
            releaseSlowRead.countDown();

            assertThat(ingestThread.get(10, TimeUnit.SECONDS)).extracting(Webhook::id).containsExactly(7L);
            assertThat(recordThread.get(10, TimeUnit.SECONDS)).isNotNull();
        } finally {
            releaseSlowRead.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aChangeCommittedDuringAReloadIsReadByTheNextMatch() {
        CountDownLatch never = new CountDownLatch(0);
        AtomicReference<Runnable> duringRead = new AtomicReference<>(() -> { });
        WebhookDirectory directory = new WebhookDirectory(version::get, () -> {
            List<Webhook> rows = read(new CountDownLatch(1), never);
            duringRead.getAndSet(() -> { }).run();
            return rows;
        }, 60_000);
        assertThat(directory.match("post.created", Map.of())).isEmpty();

        // a change invalidated while a reload that began before it is still reading: the reload's table is not served
        directory.invalidate();
        duringRead.set(() -> {
            commit(webhook(8, "post.created"));
            directory.invalidate();
        });
        assertThat(directory.match("post.created", Map.of())).as("the reload that began before the change").isEmpty();
        assertThat(directory.match("post.created", Map.of())).extracting(Webhook::id).containsExactly(8L);
    }

    @Test
    void withoutAChangeTheTableIsReadOncePerRecheck() {
        WebhookDirectory directory = new WebhookDirectory(version::get,
                () -> read(new CountDownLatch(1), new CountDownLatch(0)), 60_000);
        commit(webhook(9, "post.*"));
        for (int i = 0; i < 5; i++) {
            assertThat(directory.match("post.created", Map.of())).extracting(Webhook::id).containsExactly(9L);
        }
        assertThat(reads.get()).isEqualTo(1);
        directory.invalidate();
        assertThat(directory.enabled(9)).isNotNull();
        assertThat(reads.get()).isEqualTo(2);
    }

    private static Webhook webhook(long id, String pattern) {
        Instant now = Instant.now();
        Event e = new Event(id, now, now, 1, 1, "e", pattern, Map.of());
        return new Webhook(id, now, now, 1, 1, "w", "http://receiver.example/hook", true, null, Map.of(), null, "whsec_x", null, null,
                Map.of(), "json", List.of(e));
    }
}
