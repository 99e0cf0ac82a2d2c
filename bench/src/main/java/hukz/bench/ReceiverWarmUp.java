package hukz.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Before the first measured run, the receiver answers requests shaped like the systems' (the bench's payload,
 * {@link Bench#payload}, and a {@code webhook-id}), so that its JIT has compiled its hot paths before any
 * system is measured. Without it the first run of a bench (hukz's s1 in repetition 1) met a receiver that was still
 * compiling: its CPU per delivery 0.047-0.051 ms there against 0.012-0.029 ms in every later run, CPU taken from
 * the system under test on the same two cores. Nothing of it is counted: the receiver is reset before every run.
 */
final class ReceiverWarmUp {
    private ReceiverWarmUp() {
    }

    /** Sends {@code requests} POSTs, {@code inFlight} at a time, and waits for every answer; returns how many failed. */
    static int run(String receiverBase, int requests, int inFlight) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < requests; i++) {
            if (!slots.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the receiver did not answer the warm-up within 30 s");
            }
            String body = Bench.payload(i, Child.micros());
            HttpRequest request = HttpRequest.newBuilder(URI.create(receiverBase + "/h/warm-up/" + (i % inFlight)))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("webhook-id", "msg_warm_up_" + i)
                    .header("webhook-timestamp", Long.toString(System.currentTimeMillis() / 1000))
                    .header("webhook-signature", "v1,warm-up")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error != null || response.statusCode() != 200) {
                    failed.incrementAndGet();
                }
                slots.release();
            });
        }
        if (!slots.tryAcquire(inFlight, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the receiver did not answer the warm-up within 30 s");
        }
        return failed.get();
    }
}
