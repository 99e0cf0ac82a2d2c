package hukz.routes;

import hukz.HukzService;
import hukz.config.BeanSink;
import hukz.config.HukzBeans;
import hukz.config.HukzConfig;
import hukz.config.Infrastructure;
import hukz.store.Db;
import hukz.support.Scratch;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A route test: a CamelContext holding hukz's real beans (on a fresh embedded PostgreSQL database and the test
 * nats-server) and only the routes of the YAML files under test, not started until the test has advised them
 * ({@code AdviceWith}: the hand-off to the next stage becomes a mock endpoint) and calls {@code context.start()}.
 */
abstract class RouteTestSupport extends CamelTestSupport {
    protected HukzConfig config;
    protected Infrastructure infrastructure;
    protected Db db;
    private final List<Runnable> onStop = new ArrayList<>();

    /** The files under routes/ whose routes this test runs. */
    protected abstract List<String> routeFiles();

    /** Config keys over the test defaults. */
    protected Map<String, String> configOverrides() {
        return Map.of();
    }

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withUseAdviceWith(true);
    }

    @Override
    public void configureContext(CamelContextConfiguration context) {
        super.configureContext(context);
        Map<String, String> raw = new HashMap<>(TestHukz.baseConfig(TestPostgres.newDatabase()));
        raw.putAll(configOverrides());
        config = HukzConfig.from(raw);
        Properties properties = applicationProperties();
        properties.putAll(HukzService.routeProperties(config));
        context.withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        infrastructure = Infrastructure.start(config, Scratch.dir("route-test"));
        db = new Db(infrastructure.dataSource());
        HukzBeans.bind(BeanSink.of(context, onStop), config, infrastructure.dataSource(), infrastructure.nats());
        for (String file : routeFiles()) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:routes/" + file));
        }
        return context;
    }

    @Override
    protected void doPostTearDown() throws Exception {
        onStop.forEach(Runnable::run);
        if (infrastructure != null) {
            infrastructure.close();
        }
    }

    /** The defaults application.properties gives the routes (queue sizes and the like). */
    private static Properties applicationProperties() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
