package hukz.config;

import hukz.api.ApiDocs;
import hukz.api.ApiErrors;
import hukz.api.ApiRequest;
import hukz.api.DeliveryApi;
import hukz.api.EventApi;
import hukz.api.LogApi;
import hukz.api.ServiceApi;
import hukz.api.StatsApi;
import hukz.api.WebhookApi;
import hukz.api.http.GuardedVertx;
import hukz.api.http.HttpGuard;
import hukz.api.http.HttpLimits;
import hukz.api.openapi.OpenApiDocument;
import hukz.attempt.Attempt;
import hukz.attempt.AttemptExchange;
import hukz.attempt.DeliveryHttp;
import hukz.attempt.UrlGuard;
import hukz.console.ConsoleFiles;
import hukz.health.Consumption;
import hukz.health.DatabaseCheck;
import hukz.health.DispatchMetrics;
import hukz.health.HukzHealthChecks;
import hukz.health.NatsCheck;
import hukz.health.NatsOutageListener;
import hukz.health.OutageTracker;
import hukz.health.Readiness;
import hukz.ingest.CoreNatsConsumption;
import hukz.ingest.Ingest;
import hukz.ingest.IngestBatch;
import hukz.ingest.IngestBuffer;
import hukz.ingest.IngestFailures;
import hukz.ingest.JetStreamIngest;
import hukz.ingest.NatsInboundHeaders;
import hukz.ingest.WebhookDirectory;
import hukz.policy.CircuitPolicy;
import hukz.policy.Circuits;
import hukz.policy.FlowControl;
import hukz.policy.InFlight;
import hukz.policy.OperatorEvents;
import hukz.policy.RetryPolicy;
import hukz.policy.WaitingLine;
import hukz.record.AttemptRecorder;
import hukz.record.CountedParametersDataSource;
import hukz.record.ParsedOnceParameters;
import hukz.record.RecordBatch;
import hukz.retry.RetryPoller;
import hukz.store.Db;
import hukz.store.DeliveryStore;
import hukz.store.EventStore;
import hukz.store.FlowStore;
import hukz.store.StatsStore;
import hukz.store.WebhookLogStore;
import hukz.store.WebhookStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.nats.NatsComponent;
import org.apache.camel.main.HealthConfigurationProperties;
import org.apache.camel.main.Main;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.util.concurrent.SynchronousExecutorService;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/** Every bean the routes call, built in one visible place and bound by the names the YAML uses. */
public final class HukzBeans {
    /**
     * Deliveries (and their payloads' characters) that may wait in memory, leased, for a free slot of their webhook
     * (policy/WaitingLine); beyond that they wait due in the database.
     */
    static final int WAITING_LINE_DELIVERIES = 20_000;
    static final long WAITING_LINE_PAYLOAD_CHARS = 16L * 1024 * 1024;
    /** Connections to one receiver host: the highest max_in_flight a webhook may have. */
    public static final int MAX_CONNECTIONS_PER_RECEIVER = 1000;
    /**
     * Routes without Camel's route policy (see {@link #bindCamelMetrics}): those every message or every delivery
     * passes through, which hukz's own metrics measure, and {@code attempt}, which runs inside {@code deliver}.
     */
    static final Set<String> NOT_MEASURED_BY_CAMEL = Set.of("ingest-nats", "ingest", "deliver", "attempt", "refill", "record");

    private HukzBeans() {
    }

    /** How long an attempt may hold a delivery before another worker may take it: {@link RetryPolicy#lease()}. */
    public static Duration lease(HukzConfig config) {
        return RetryPolicy.of(config).lease();
    }

    public static void bind(Main main, HukzConfig config, DataSource dataSource, Connection nats) {
        configureHealth(main);
        bind(BeanSink.of(main), config, dataSource, nats);
    }

    public static void bind(BeanSink main, HukzConfig config, DataSource dataSource, Connection nats) {
        Db db = new Db(dataSource);
        EventStore events = new EventStore(db);
        WebhookStore webhooks = new WebhookStore(db, events);
        DeliveryStore deliveries = new DeliveryStore(db);
        WebhookLogStore logs = new WebhookLogStore(db);
        FlowStore flow = new FlowStore(db);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        OutageTracker database = new OutageTracker("database", registry);
        OutageTracker natsOutage = new OutageTracker("nats", registry);
        nats.addConnectionListener(new NatsOutageListener(natsOutage));
        Gauge.builder("hukz_deliveries_pending", deliveries, d -> whileReachable(database, d::countPending)).register(registry);
        Gauge.builder("hukz_oldest_pending_delivery_age_seconds", deliveries, d -> whileReachable(database, d::oldestPendingAgeSeconds))
                .register(registry);
        Gauge.builder("hukz_nats_slow_consumer_dropped", nats, c -> c.getStatistics().getDroppedCount()).register(registry);
        DispatchMetrics metrics = new DispatchMetrics(registry);
        InFlight inFlight = new InFlight(lease(config));
        // A delivery leaves its line only with time left in its lease for a whole attempt and its record.
        WaitingLine line = new WaitingLine(WAITING_LINE_DELIVERIES, WAITING_LINE_PAYLOAD_CHARS,
                config.deliveryTimeout().plusSeconds(3), Clock.systemUTC());
        FlowControl flowControl = new FlowControl(inFlight, flow, deliveries, line, config.circuitFailures());
        Gauge.builder("hukz_attempts_in_flight", inFlight, InFlight::total).description("attempts waiting on their receiver now")
                .register(registry);
        Gauge.builder("hukz_circuits_open", flow, f -> whileReachable(database, () -> f.notClosed().size()))
                .description("webhooks whose circuit is open or half open").register(registry);
        Gauge.builder("hukz_deliveries_waiting", deliveries, d -> whileReachable(database, d::countWaitingOnCircuit)).tag("reason", "circuit")
                .description("due deliveries held back by flow control").register(registry);
        Gauge.builder("hukz_deliveries_waiting", deliveries, d -> whileReachable(database, d::countWaitingOnRateLimit)).tag("reason", "rate_limit")
                .description("due deliveries held back by flow control").register(registry);
        Gauge.builder("hukz_deliveries_waiting", flowControl, FlowControl::lineLength).tag("reason", "max_in_flight")
                .description("deliveries waiting in memory for a free slot of their webhook").register(registry);
        bindCamelMetrics(main, registry);

        UrlGuard guard = new UrlGuard(config.allowPrivateUrls());
        WebhookDirectory directory = new WebhookDirectory(webhooks, 1000);
        Attempt attempt = new Attempt(RetryPolicy.of(config));
        OperatorEvents operatorEvents = new OperatorEvents(nats, config.operatorSubjectPrefix());
        Circuits circuits = new Circuits(new CircuitPolicy(config.circuitFailures(), config.circuitCooldown()), config.disableAfter(),
                flow, flowControl, webhooks, deliveries, directory, operatorEvents);
        AttemptRecorder recorder = new AttemptRecorder(circuits, metrics, database);
        ApiRequest requests = new ApiRequest(config.apiToken());

        // The API server's Vert.x: platform-http takes it from the registry and builds its server on it.
        main.bind("vertx", GuardedVertx.create(new HttpGuard(HttpLimits.fromSystemProperties(), config.apiToken())));
        DeliveryHttp http = new DeliveryHttp(guard, config.deliveryTimeout(), Attempt.MAX_RESPONSE_BYTES + 1, MAX_CONNECTIONS_PER_RECEIVER);
        main.bind("deliveryHttp", http);
        main.afterStop(http::close);
        main.bind("flowControl", flowControl);
        main.bind("ingest", new Ingest(directory, deliveries, lease(config), metrics, flowControl, database));
        // an attempt is over: its outcome is on its way to be recorded, and its webhook's slot is free again
        AttemptExchange attemptExchange = new AttemptExchange(attempt, r -> {
            recorder.handOver(r);
            return flowControl.release(r);
        });
        // the deliver route's steps before and after the POST (process steps: a bean step binds its method anew for
        // every delivery, ~2.5 µs each)
        main.bind("signedRequest", (Processor) attemptExchange::prepare);
        main.bind("attemptOutcome", (Processor) attemptExchange::outcome);
        main.bind("attemptRecorder", recorder);
        // the record route (routes/record.camel.yaml): its queue (seda:record's, named so its batch takes what waits
        // behind the outcome the consumer took), its batches and its jdbc: step's DataSource
        main.bind("recordQueue", recorder.queue());
        main.bind("recordBatch", new RecordBatch(recorder.queue()));
        // Runs a task on the thread that hands it over: the wire taps into direct:deliver start each attempt on the
        // thread that stored or claimed it (the attempt does not hold that thread: the HTTP step is non-blocking).
        main.bind("sameThread", new SynchronousExecutorService());
        main.bind("dataSource", dataSource);
        main.bind("recordDataSource", new CountedParametersDataSource(dataSource));
        main.bind("recordParameters", new ParsedOnceParameters());
        main.bind("retryPoller", new RetryPoller(deliveries, webhooks, flow, directory, flowControl, attempt, recorder, lease(config),
                database));
        main.bind("deliveryStore", deliveries);
        main.bind("apiErrors", new ApiErrors());
        main.bind("eventApi", new EventApi(requests, events, directory));
        main.bind("webhookApi", new WebhookApi(requests, webhooks, events, guard, directory, flow, config.maxInFlight()));
        main.bind("logApi", new LogApi(requests, logs));
        main.bind("deliveryApi", new DeliveryApi(requests, deliveries, webhooks, logs, flow));
        main.bind("statsApi", new StatsApi(requests, new StatsStore(db)));
        main.bind("consoleFiles", new ConsoleFiles());
        main.bind("openApiDocument", new OpenApiDocument(!config.apiToken().isEmpty()));
        main.bind("apiDocs", new ApiDocs());
        main.bind("natsConnection", nats);
        // A message's own headers never reach the exchange, except those hukz reads (see NatsInboundHeaders).
        NatsComponent natsComponent = new NatsComponent();
        natsComponent.setHeaderFilterStrategy(new NatsInboundHeaders());
        main.bind("nats", natsComponent);
        main.bind("retention", new Retention(deliveries, config.logRetentionDays(), database));
        IngestBuffer ingestBuffer = new IngestBuffer(config.ingestBuffer(), metrics, database);
        Gauge.builder("hukz_ingest_buffered_messages", ingestBuffer, IngestBuffer::buffered)
                .description("messages taken from NATS and not yet stored").register(registry);
        database.countWaitingWith(ingestBuffer::buffered);
        main.bind("ingestBuffer", ingestBuffer);
        IngestFailures ingestFailures = new IngestFailures(database, ingestBuffer);
        main.bind("ingestFailures", ingestFailures);
        // The ingest route's batches: what waits in seda:ingest, taken as plain values and stored on the route's own
        // consumer thread, so the batch being stored holds back the next and seda:ingest stays the one bounded buffer.
        main.bind("ingestBatch", new IngestBatch(ingestBuffer));
        // Bound in either mode; its route only starts when nats_stream is set.
        JetStreamIngest jetStream = new JetStreamIngest(nats, config.natsStream(), config.queueGroup(), config.natsSubject(),
                lease(config), ingestBuffer, database, metrics);
        main.bind("jetStreamIngest", jetStream);
        CoreNatsConsumption coreNats = new CoreNatsConsumption(nats);
        Consumption consumption = config.natsStream().isEmpty() ? coreNats : jetStream;
        Readiness readiness = new Readiness(dataSource, database, nats, consumption);
        Gauge.builder("hukz_consumer_active", readiness, r -> r.natsProblem() == null ? 1 : 0)
                .description("1 while the NATS subscription or JetStream durable consumer is taking messages").register(registry);
        // Camel Main registers every HealthCheckRepository bean in the context's health check registry.
        main.bind("hukzHealthChecks", new HukzHealthChecks(new DatabaseCheck(readiness), new NatsCheck(readiness)));
        main.bind("serviceApi", new ServiceApi(registry, requests));
        main.bind("dispatchLifecycle", new DispatchLifecycle(ingestBuffer, ingestFailures, recorder, coreNats, flowControl));
    }

    /**
     * /health/* answer from the Camel context's health check registry (hukz.health.HealthReport): Camel's context
     * check, one check per route ("not ready until all routes are up"), and hukz's database and nats checks
     * (HukzHealthChecks, bound in {@link #bind}). Set here rather than in application.properties so that editing
     * Camel's tuning cannot quietly take a part out of readiness. Consumer checks stay off (for these components they
     * only repeat their route's state), as do producer checks. The route tests have no /health, so only Main does this.
     */
    static void configureHealth(Main main) {
        HealthConfigurationProperties health = main.configure().health();
        health.setEnabled(true);
        health.setRoutesEnabled(true);
        health.setConsumersEnabled(false);
        health.setProducersEnabled(false);
    }

    /** A gauge that reads the database: nothing (NaN) while it is unreachable, rather than a wait per scrape. */
    private static double whileReachable(OutageTracker database, Supplier<Number> read) {
        if (database.isDown()) {
            return Double.NaN;
        }
        try {
            return read.get().doubleValue();
        } catch (RuntimeException e) {
            if (database.failed(e)) {
                return Double.NaN;
            }
            throw e;
        }
    }

    /**
     * Camel's own route and exchange metrics (camel_exchanges_total, camel_route_policy_seconds, camel_routes_running, …
     * per routeId) go into the same registry as hukz's, so /metrics shows both. Camel Main adds every RoutePolicyFactory
     * and EventNotifier bean to the context; the registry's name is the one camel-micrometer looks up (a
     * {@code micrometer:} endpoint in a route counts into it too).
     * <p>
     * The policy costs two {@code String.format}s, a timer looked up in the registry and two exchange properties per
     * route an exchange enters. It measures the routes a request, a batch or a timer runs (the API, ingest-batch,
     * retry, retention, ...), and no context-wide sum. The routes every message or delivery passes through
     * ({@link #NOT_MEASURED_BY_CAMEL}: four or five per delivery; without the policy on them, and with the NATS route's
     * regex gone, hukz's CPU per delivery fell by ~9 % at the bench's s1 and s2) are
     * measured by hukz's own series instead: hukz_messages_consumed_total (ingest-nats), hukz_deliveries_stored_total
     * (ingest), hukz_attempts_total and hukz_attempt_duration_seconds (deliver, attempt, refill, record); their
     * failures are logged.
     */
    static void bindCamelMetrics(BeanSink main, PrometheusMeterRegistry registry) {
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        // No policy at all on the unmeasured routes: camel-micrometer's own excludePattern still puts a policy on them
        // that looks itself up and allocates a lambda as every exchange enters and leaves (1.6 % of all bytes hukz
        // allocated at s1, on the NATS route alone). A factory that answers null adds nothing to the route.
        MicrometerRoutePolicyFactory routes = new MicrometerRoutePolicyFactory() {
            @Override
            public RoutePolicy createRoutePolicy(CamelContext camel, String routeId, NamedNode route) {
                return NOT_MEASURED_BY_CAMEL.contains(routeId) ? null : super.createRoutePolicy(camel, routeId, route);
            }
        };
        routes.setMeterRegistry(registry);
        MicrometerRoutePolicyConfiguration measured = new MicrometerRoutePolicyConfiguration();
        measured.setContextEnabled(false);
        routes.setPolicyConfiguration(measured);
        main.bind("camelRouteMetrics", routes);
        MicrometerRouteEventNotifier routeEvents = new MicrometerRouteEventNotifier();
        routeEvents.setMeterRegistry(registry);
        // It counts routes (added, running, reloaded) from route events only. Left as it comes, it also asks for every
        // exchange and step event, and Camel then builds an event object at each step of every exchange for a
        // notifier that drops it (Camel's EventHelper: 3.5 % of hukz's CPU samples in the bench's s1, 1.1 % without).
        routeEvents.setIgnoreExchangeEvents(true);
        routeEvents.setIgnoreStepEvents(true);
        main.bind("camelRouteEventMetrics", routeEvents);
    }
}
