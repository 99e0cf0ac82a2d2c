package hukz.routes;

import hukz.attempt.DeliveryTask;
import hukz.ingest.IncomingMessage;
import hukz.support.CapturedLog;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ingest route: what waits in seda:ingest is stored as one batch, a database outage is waited out by Camel's
 * redelivery, and a batch the database refuses is stored again one message at a time.
 */
class IngestRouteTest extends RouteTestSupport {
    private static final String STORE = "bean:ingest?method=store";
    private final List<String> stored = new CopyOnWriteArrayList<>();
    private final List<String> failed = new CopyOnWriteArrayList<>();

    @Override
    protected List<String> routeFiles() {
        return List.of("ingest.camel.yaml");
    }

    @Override
    protected Map<String, String> configOverrides() {
        return Map.of("nats_subject", "routetest.ingest.>");
    }

    @Test
    void whatWaitsWhileABatchIsStoredIsStoredAsTheNextBatch() throws Exception {
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger batches = new AtomicInteger();
        AdviceWith.adviceWith(context, "ingest", a -> a.weaveByToUri("direct:deliver").replace().to("mock:deliver"));
        AdviceWith.adviceWith(context, "ingest-batch", a -> {
            a.weaveByToUri(STORE).before().process(e -> {
                if (batches.incrementAndGet() == 1) {
                    firstHeld.countDown();
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                }
            }).to("mock:batch");
        });
        context.start();
        RetryRouteTest.Fixture.create(db, "ingest.batch");

        send("ingest.batch", 0);
        assertThat(firstHeld.await(30, TimeUnit.SECONDS)).isTrue();
        for (int n = 1; n < 50; n++) {
            send("ingest.batch", n);
        }
        release.countDown();

        MockEndpoint batch = getMockEndpoint("mock:batch");
        batch.expectedMessageCount(2);
        batch.assertIsSatisfied(Duration.ofSeconds(30).toMillis());
        assertThat(batch.getReceivedExchanges()).extracting(e -> e.getMessage().getBody(List.class).size())
                .as("the first message alone, then the 49 that waited meanwhile").containsExactly(1, 49);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored.size() == 50);
        assertThat(stored).as("stored in the order they came").containsExactlyElementsOf(numbers(50));
        assertThat(db.queryLong("SELECT count(*) FROM deliveries")).isEqualTo(50);
    }

    @Test
    void aDatabaseOutageIsWaitedOutAndTheBatchStoredOnceWithoutALinePerTry() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        // the sizes of the batches that got through: the first message may be taken alone, before the others come
        List<Integer> storedBatches = new CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(context, "ingest", a -> a.weaveByToUri("direct:deliver").replace().to("mock:deliver"));
        AdviceWith.adviceWith(context, "ingest-batch", a -> {
            a.weaveByToUri(STORE).before().process(e -> {
                if (tries.incrementAndGet() <= 4) {
                    throw new SQLTransientConnectionException("hukz-db - Connection is not available, request timed out");
                }
                storedBatches.add(e.getMessage().getBody(List.class).size());
            });
        });
        context.start();
        RetryRouteTest.Fixture.create(db, "ingest.outage");
        try (CapturedLog log = new CapturedLog()) {
            for (int n = 0; n < 3; n++) {
                send("ingest.outage", n);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> stored.size() == 3);
            assertThat(tries.get()).as("four tries failed, then each batch was stored at its first try")
                    .isEqualTo(4 + storedBatches.size());
            assertThat(storedBatches.stream().mapToInt(Integer::intValue).sum()).as("every message in one stored batch").isEqualTo(3);
            assertThat(stored).containsExactlyElementsOf(numbers(3));
            assertThat(failed).isEmpty();
            assertThat(db.queryLong("SELECT count(*) FROM deliveries")).isEqualTo(3);
            assertThat(log.containing("database unreachable")).hasSize(1);
            assertThat(log.containing("database is back after")).hasSize(1);
            assertThat(log.noteworthy()).as("one WARN for the whole outage").hasSize(1);
            assertThat(log.stackTraces()).isZero();
        }
    }

    @Test
    void aBatchTheDatabaseRefusesIsStoredOneByOneAndOnlyTheBadMessageIsLost() throws Exception {
        // Stands for data the database refuses (not an outage): any batch holding message 2 fails.
        for (String route : List.of("ingest", "ingest-one")) {
            AdviceWith.adviceWith(context, route, a -> a.weaveByToUri("direct:deliver").replace().to("mock:deliver"));
        }
        for (String route : List.of("ingest-batch", "ingest-one")) {
            AdviceWith.adviceWith(context, route, a -> {
                a.weaveByToUri(STORE).before().process(e -> {
                    if (e.getMessage().getBody(List.class).stream().anyMatch(m -> ((IncomingMessage) m).subject().endsWith(".2"))) {
                        throw new IllegalArgumentException("refused by the database");
                    }
                });
            });
        }
        context.start();
        RetryRouteTest.Fixture.create(db, "ingest.refused.*");
        try (CapturedLog log = new CapturedLog()) {
            for (int n = 0; n < 5; n++) {
                send("ingest.refused." + n, n);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> stored.size() + failed.size() == 5);
            assertThat(stored).containsExactly("0", "1", "3", "4");
            assertThat(failed).containsExactly("2");
            assertThat(db.queryLong("SELECT count(*) FROM deliveries")).isEqualTo(4);
            assertThat(log.containing("could not store a message on ingest.refused.2; skipped it")).hasSize(1);
            MockEndpoint deliver = getMockEndpoint("mock:deliver");
            deliver.expectedMessageCount(4);
            deliver.assertIsSatisfied(Duration.ofSeconds(30).toMillis());
            assertThat(deliver.getReceivedExchanges()).as("only deliveries reach the delivery queue")
                    .allSatisfy(e -> assertThat(e.getMessage().getBody()).isInstanceOf(DeliveryTask.class));
        }
    }

    private void send(String subject, int n) {
        context.createProducerTemplate().sendBody("seda:ingest", message(subject, n));
    }

    /** A message as the NATS routes hand it on; its callbacks record whether it was stored. */
    private IncomingMessage message(String subject, int n) {
        String id = String.valueOf(n);
        return new IncomingMessage(subject, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8), null, List.of(),
                () -> stored.add(id), () -> failed.add(id));
    }

    private static List<String> numbers(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(String::valueOf).toList();
    }
}
