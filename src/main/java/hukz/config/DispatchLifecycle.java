package hukz.config;

import hukz.config.DispatchLifecycle;
import hukz.ingest.CoreNatsConsumption;
import hukz.ingest.IngestQueue;
import hukz.ingest.JetStreamIngest;
import hukz.record.AttemptRecorder;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Starts and stops the queues around the routes. On stop: unsubscribe from NATS first (so the queue group
 * hands new messages to other instances) and store what was taken while the routes still run. The record
 * route stops last (routes/record.camel.yaml) and writes what is queued unless the database is away.
 */
public final class DispatchLifecycle extends EventNotifierSupport {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchLifecycle.class);
    public static final String CORE_NATS_ROUTE = "ingest-nats";
    private final IngestQueue ingestQueue;
    private final JetStreamIngest jetStream;
    private final AttemptRecorder recorder;
    private final CoreNatsConsumption coreNats;

    public DispatchLifecycle(IngestQueue ingestQueue, JetStreamIngest jetStream, AttemptRecorder recorder, CoreNatsConsumption coreNats) {
        this.ingestQueue = ingestQueue;
        this.jetStream = jetStream;
        this.recorder = recorder;
        this.coreNats = coreNats;
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
            ingestQueue.start(context);
            coreNats.start(context);
        } else if (event instanceof CamelEvent.CamelContextStoppingEvent) {
            if (context.getRoute(CORE_NATS_ROUTE) != null && context.getRouteController().getRouteStatus(CORE_NATS_ROUTE).isStarted()) {
                context.getRouteController().stopRoute(CORE_NATS_ROUTE, 5, TimeUnit.SECONDS);
            }
            jetStream.stop();
            ingestQueue.close();
            recorder.shuttingDown();
            LOG.info("stopped taking messages; attempts in flight finish before shutdown");
        }
    }
}
