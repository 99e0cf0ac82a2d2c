import hukz.record.RecordBatch;
import hukz.record.RecordQueue;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.concurrent.SynchronousExecutorService;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What Camel's routing costs per delivery on hukz's delivery path, timed alone: the s1 case, one webhook with 32
 * slots and a line of deliveries behind them, every delivery sent from its line by the refill. Everything that is
 * not routing is a stand-in that costs next to nothing (the "HTTP" answers at once from a pool of two threads, as
 * the client's I/O threads would; signing, the outcome and the record statement are left out), so the CPU per
 * delivery measured is the routing and its hand-offs:
 * <ul>
 *   <li>{@code routes}: hukz's own {@code routes/deliver.camel.yaml} (refill, deliver, attempt), loaded as it is, and
 *       the record route's batching (seda:record, hukz's RecordBatch: the outcome taken and what waits behind it);</li>
 *   <li>{@code one-exchange}: the least SPEC's shape allows ("split per delivery → HTTP call → the outcome into the
 *       webhook_logs insert") while each outcome still goes to the record route on its own: one exchange per
 *       delivery, the attempt's steps inside the split (a parallel split on the same thread instead of a wire tap into
 *       two more routes), the same wake-ups and the same record batching;</li>
 *   <li>{@code grouped} (not SPEC's shape): one exchange per group of deliveries, what one refill takes, through the
 *       same steps;</li>
 *   <li>{@code split-grouped} (not in path-cost.sh's list): SPEC's shape with one wire tap per refill — the split per
 *       delivery runs inside the group's exchange (parallel, same thread) and its outcomes go to the record route as
 *       one list. With at most 4 per refill it lost 2-6 outcomes in every try here: every attempt made, every group out
 *       of the split, but the split's lists short (also with a synchronized strategy) — the parallel split completed
 *       before every child's result was aggregated (with a thread pool as its executor: no loss, and most of the
 *       gain gone). So it stays a reproducer, not a candidate;</li>
 *   <li>{@code plain-java}: the same hand-offs (refill thread, I/O pool, record thread draining a queue) without
 *       Camel.</li>
 * </ul>
 * Run from the project root: {@code bench/path-cost.sh [deliveries per round] [most deliveries per refill]}, or
 * {@code java -cp target/hukz.jar bench/path-cost/PathCost.java SHAPE [per round] [rounds] [most per refill]}.
 */
public class PathCost {
    static final int SLOTS = 32;
    static final int REFILL_SHARE = 8;

    /** One webhook's slots and the line behind them: a stand-in for FlowControl. */
    static final class Line {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong started = new AtomicLong();
        final AtomicLong recorded = new AtomicLong();
        final AtomicLong refills = new AtomicLong();
        volatile long limit;
        /** At most this many deliveries per refill (hukz's refill takes every free slot). */
        int cap = SLOTS;
        /** A wake-up is on its way and the refill has not begun: as FlowControl, no second one is sent. */
        final AtomicBoolean woken = new AtomicBoolean();

        /** The next deliveries, as many as there are free slots. */
        List<Object> refill() {
            woken.set(false);
            List<Object> tasks = new ArrayList<>();
            while (started.get() < limit && tasks.size() < cap) {
                int n = inFlight.get();
                if (n >= SLOTS) {
                    break;
                }
                if (inFlight.compareAndSet(n, n + 1)) {
                    tasks.add(new Task(started.incrementAndGet()));
                }
            }
            if (!tasks.isEmpty()) {
                refills.incrementAndGet();
            }
            return tasks;
        }

        /**
         * Frees the slot; answers whether a refill's worth of slots is free, deliveries still wait and no wake-up is
         * on its way already.
         */
        boolean release() {
            int free = SLOTS - inFlight.decrementAndGet();
            return free >= SLOTS / REFILL_SHARE && started.get() < limit && woken.compareAndSet(false, true);
        }
    }

    record Task(long seq) {
    }

    record Outcome(long seq, int status) {
    }

    static final byte[] BODY = ("{\"id\":\"msg\",\"event\":\"bench.s1\",\"payload\":{\"pad\":\""
            + "x".repeat(40) + "\"}}").getBytes(StandardCharsets.UTF_8);

    /** The HTTP step's stand-in: answers at once, on one of two "I/O" threads, as the client's callback would. */
    static final class InstantHttp extends AsyncProcessorSupport {
        final ExecutorService io;

        InstantHttp(ExecutorService io) {
            this.io = io;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            io.execute(() -> {
                Message m = exchange.getMessage();
                m.removeHeaders("*");
                m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                m.setBody(new byte[0]);
                callback.done(false);
            });
            return false;
        }
    }

    /** The HTTP step for a group: each delivery answered at once on the "I/O" pool; routing goes on after the last. */
    static final class InstantHttpGroup extends AsyncProcessorSupport {
        final ExecutorService io;

        InstantHttpGroup(ExecutorService io) {
            this.io = io;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            List<?> tasks = exchange.getMessage().getBody(List.class);
            Object[] answers = new Object[tasks.size()];
            AtomicInteger left = new AtomicInteger(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                int n = i;
                io.execute(() -> {
                    answers[n] = 200;
                    if (left.decrementAndGet() == 0) {
                        exchange.getMessage().setBody(Arrays.asList(answers));
                        callback.done(false);
                    }
                });
            }
            return false;
        }
    }

    public static void main(String[] args) throws Exception {
        String shape = args.length > 0 ? args[0] : "routes";
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        Line line = new Line();
        if (args.length > 3) {
            line.cap = Integer.parseInt(args[3]);
        }
        ExecutorService io = Executors.newFixedThreadPool(2);
        Runnable kick = shape.equals("plain-java") ? plainJava(line, io) : camel(shape, line, io);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] micros = new double[rounds];
        double[] rates = new double[rounds];
        double[] perRefill = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long base = line.recorded.get();
            long refills0 = line.refills.get();
            line.limit = line.started.get() + perRound;
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long deadline = System.currentTimeMillis() + Long.getLong("round.millis", 120_000);
            kick.run();
            while (line.recorded.get() < base + perRound && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
                if (line.inFlight.get() == 0) {
                    kick.run();
                }
            }
            if (line.recorded.get() < base + perRound) {
                System.out.printf("%s: round %d did not finish: %d started, %d recorded, %d in flight%n", shape, r,
                        line.started.get() - (line.limit - perRound), line.recorded.get() - base, line.inFlight.get());
                System.exit(1);
            }
            micros[r] = (os.getProcessCpuTime() - cpu0) / 1000.0 / perRound;
            rates[r] = perRound * 1e9 / (System.nanoTime() - t0);
            perRefill[r] = perRound / (double) Math.max(1, line.refills.get() - refills0);
        }
        // the first half of the rounds warm the JIT up; the figures are the medians of the rest
        double[] cpu = Arrays.copyOfRange(micros, rounds / 2, rounds);
        double[] rate = Arrays.copyOfRange(rates, rounds / 2, rounds);
        double[] taken = Arrays.copyOfRange(perRefill, rounds / 2, rounds);
        System.out.printf("%-13s %6.1f us CPU per delivery   %,9.0f deliveries/s   %5.1f deliveries per refill"
                + "   (rounds: %s)%n",
                shape, median(cpu), median(rate), median(taken),
                Arrays.toString(Arrays.stream(cpu).map(x -> Math.round(x * 10) / 10.0).toArray()));
        System.exit(0);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The Camel shapes; answers how to wake the refill. */
    static Runnable camel(String shape, Line line, ExecutorService io) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.setStreamCaching(false);
        RecordQueue recordQueue = new RecordQueue(100_000);
        // the deliver route's beans, each doing the exchange work hukz's do (headers in, headers out) and nothing else
        Processor signedRequest = e -> {
            Task task = e.getMessage().getBody(Task.class);
            Message m = e.getMessage();
            m.removeHeaders("*");
            m.setHeader("Content-Type", "application/json");
            m.setHeader("User-Agent", "hukz/bench");
            m.setHeader("webhook-id", "msg_" + task.seq());
            m.setHeader("webhook-timestamp", "1700000000");
            m.setHeader("webhook-signature", "v1,signature");
            m.setHeader(Exchange.HTTP_URI, "http://127.0.0.1:1/hook");
            m.setHeader(Exchange.HTTP_METHOD, "POST");
            m.setBody(BODY);
            e.setProperty("hukzAttempt", task);
        };
        Processor attemptOutcome = e -> {
            Task task = e.getProperty("hukzAttempt", Task.class);
            Message m = e.getMessage();
            int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            boolean refill = line.release();
            m.removeHeaders("*");
            m.setHeader("hukzRefill", refill);
            m.setBody(new Outcome(task.seq(), status));
        };
        camel.getRegistry().bind("signedRequest", signedRequest);
        camel.getRegistry().bind("deliveryHttp", new InstantHttp(io));
        camel.getRegistry().bind("attemptOutcome", attemptOutcome);
        camel.getRegistry().bind("retryPoller", line);
        camel.getRegistry().bind("recordQueue", recordQueue);
        camel.getRegistry().bind("sameThread", new SynchronousExecutorService());
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // routes/record.camel.yaml's batching; the batch is counted instead of marshalled and written
                from("seda:record?queue=#recordQueue").routeId("record").streamCache("false")
                        .process(new RecordBatch(recordQueue))
                        .process(e -> {
                            for (Object o : e.getMessage().getBody(List.class)) {
                                line.recorded.addAndGet(o instanceof List<?> group ? group.size() : 1);
                            }
                        });
                if (shape.equals("grouped")) {
                    // NOT SPEC's shape: one exchange per group of deliveries (here: what one refill takes)
                    from("seda:refill?size=1").routeId("refill").streamCache("false")
                            .removeProperties("*")
                            .to("bean:retryPoller?method=refill")
                            .filter(simple("${body.size} > 0"))
                                .wireTap("direct:deliver").executorService("sameThread");
                    from("direct:deliver").routeId("deliver").streamCache("false")
                            .process(e -> {
                                List<?> tasks = e.getMessage().getBody(List.class);
                                e.getMessage().removeHeaders("*");
                                e.setProperty("hukzAttempt", tasks);
                            })
                            .process(new InstantHttpGroup(io))
                            .process(e -> {
                                List<?> tasks = e.getProperty("hukzAttempt", List.class);
                                List<Outcome> outcomes = new ArrayList<>();
                                boolean refill = false;
                                for (Object t : tasks) {
                                    refill |= line.release();
                                    outcomes.add(new Outcome(((Task) t).seq(), 200));
                                }
                                e.getMessage().setHeader("hukzRefill", refill);
                                e.getMessage().setBody(outcomes);
                            })
                            .filter(header("hukzRefill"))
                                .to("seda:refill?size=1&blockWhenFull=false&discardWhenFull=true")
                            .end()
                            .to("seda:record?queue=#recordQueue&blockWhenFull=true");
                }
                if (shape.equals("split-grouped")) {
                    // SPEC's shape, one wire tap per refill: the split per delivery runs inside the group's exchange,
                    // its outcomes gathered into one list for the record route
                    from("seda:refill?size=1").routeId("refill").streamCache("false")
                            .removeProperties("*")
                            .to("bean:retryPoller?method=refill")
                            .wireTap("direct:deliver").executorService("sameThread");
                    from("direct:deliver").routeId("deliver").streamCache("false")
                            .split(body(), new GroupedBodyAggregationStrategy())
                                .parallelProcessing().executorService("sameThread")
                                .process("signedRequest")
                                .process("deliveryHttp")
                                .process("attemptOutcome")
                                .filter(header("hukzRefill"))
                                    .to("seda:refill?size=1&blockWhenFull=false&discardWhenFull=true")
                                .end()
                            .end()
                            .to("seda:record?queue=#recordQueue&blockWhenFull=true");
                }
                if (shape.equals("one-exchange")) {
                    from("seda:refill?size=1").routeId("refill").streamCache("false")
                            .removeProperties("*")
                            .to("bean:retryPoller?method=refill")
                            .split(body()).parallelProcessing().executorService("sameThread")
                                .process("signedRequest")
                                .process("deliveryHttp")
                                .process("attemptOutcome")
                                .filter(header("hukzRefill"))
                                    .to("seda:refill?size=1&blockWhenFull=false&discardWhenFull=true")
                                .end()
                                .to("seda:record?queue=#recordQueue&blockWhenFull=true")
                            .end();
                }
            }
        });
        if (shape.equals("routes")) {
            PluginHelper.getRoutesLoader(camel)
                    .loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/deliver.camel.yaml"));
        } else if (!List.of("one-exchange", "grouped", "split-grouped").contains(shape)) {
            throw new IllegalArgumentException("shape: routes, one-exchange or plain-java");
        }
        camel.start();
        ProducerTemplate template = camel.createProducerTemplate();
        return () -> template.sendBody("seda:refill?size=1&blockWhenFull=false&discardWhenFull=true", "wake");
    }

    /** The same hand-offs without Camel: a refill thread, the I/O pool, a record thread that drains its queue. */
    static Runnable plainJava(Line line, ExecutorService io) {
        LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>(1);
        LinkedBlockingQueue<Outcome> records = new LinkedBlockingQueue<>(100_000);
        Thread refill = new Thread(() -> {
            try {
                while (true) {
                    wake.take();
                    for (Object t : line.refill()) {
                        Task task = (Task) t;
                        io.execute(() -> {
                            boolean again = line.release();
                            try {
                                records.put(new Outcome(task.seq(), 200));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            if (again) {
                                wake.offer("wake");
                            }
                        });
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "refill");
        Thread record = new Thread(() -> {
            List<Outcome> batch = new ArrayList<>();
            try {
                while (true) {
                    batch.add(records.take());
                    records.drainTo(batch, 499);
                    line.recorded.addAndGet(batch.size());
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "record");
        refill.setDaemon(true);
        record.setDaemon(true);
        refill.start();
        record.start();
        return () -> wake.offer("wake");
    }
}
