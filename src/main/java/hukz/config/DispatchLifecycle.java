package hukz.config;

import hukz.ingest.CoreNatsConsumption;
import hukz.ingest.IngestBuffer;
import hukz.ingest.IngestFailures;
import hukz.policy.FlowControl;
import hukz.record.AttemptRecorder;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Starts and stops the dispatch around the routes. On stop: stop taking messages from NATS first (so the queue
 * group hands new messages to other instances), then let the {@code ingest} route store what was taken (it drains
 * {@code seda:ingest}) while the other routes still run, and hand the deliveries waiting in memory for a slot back
 * to the database. The record route stops last (routes/record.camel.yaml)
 * and writes what is queued unless the database is away.
 */
public final class DispatchLifecycle extends EventNotifierSupport {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchLifecycle.class);
    public static final String CORE_NATS_ROUTE = "ingest-nats";
    public static final String JETSTREAM_ROUTE = "ingest-jetstream";
    public static final String INGEST_ROUTE = "ingest";
    /** How long the ingest route may take to store what was taken; the rest of the shutdown has its own budget. */
    private static final int STORE_TAKEN_SECONDS = 15;
    private final IngestBuffer ingestBuffer;
    private final IngestFailures ingestFailures;
    private final AttemptRecorder recorder;
    private final CoreNatsConsumption coreNats;
    private final FlowControl flowControl;

    public DispatchLifecycle(IngestBuffer ingestBuffer, IngestFailures ingestFailures, AttemptRecorder recorder,
                             CoreNatsConsumption coreNats, FlowControl flowControl) {
        this.flowControl = flowControl;
        this.ingestBuffer = ingestBuffer;
        this.ingestFailures = ingestFailures;
        this.recorder = recorder;
        this.coreNats = coreNats;
        // Only the context's start and stop matter here: not one call per exchange and step.
        setIgnoreExchangeEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartingEvent
                || event instanceof CamelEvent.CamelContextStartedEvent
                || event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        CamelContext context = ((CamelEvent.CamelContextEvent) event).getContext();
        if (event instanceof CamelEvent.CamelContextStartingEvent) {
            // Camel Main does not hand its context to the beans bound before it existed; the recorder needs it
            // before the retry route's first run, which may give it an outcome to record
            recorder.setCamelContext(context);
        } else if (event instanceof CamelEvent.CamelContextStartedEvent) {
            ingestBuffer.setCamelContext(context);
            coreNats.start(context);
        } else if (event instanceof CamelEvent.CamelContextStoppingEvent) {
            stop(context, CORE_NATS_ROUTE, 5);
            stop(context, JETSTREAM_ROUTE, 5);
            ingestFailures.closing();
            stop(context, INGEST_ROUTE, STORE_TAKEN_SECONDS);
            ingestFailures.stopped();
            returnWaitingLines();
            recorder.shuttingDown();
            LOG.info("stopped taking messages; attempts in flight finish before shutdown");
        }
    }

    /**
     * Deliveries waiting in memory for a slot go back to the database, due, so that another instance (or the next
     * start) takes them at once rather than when their leases end. Failing that (the database is away) they are
     * taken when their leases end.
     */
    private void returnWaitingLines() {
        try {
            flowControl.returnLines();
        } catch (RuntimeException e) {
            LOG.warn("deliveries waiting for a slot are taken again when their leases end: {}", e.getMessage());
        }
    }

    private static void stop(CamelContext context, String routeId, int seconds) throws Exception {
        if (context.getRoute(routeId) != null && context.getRouteController().getRouteStatus(routeId).isStarted()) {
            context.getRouteController().stopRoute(routeId, seconds, TimeUnit.SECONDS);
        }
    }
}
