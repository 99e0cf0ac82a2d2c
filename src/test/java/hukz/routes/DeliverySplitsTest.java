package hukz.routes;

import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SplitDefinition;
import org.apache.camel.model.WireTapDefinition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every split that hands deliveries to the deliver route streams: it makes each delivery's exchange when that
 * delivery's turn comes. Without streaming, Camel copies the exchange for every element before sending the first and
 * holds all the copies until the last is sent (a message to 1,000 webhooks: 1,000 copies alive at once).
 */
class DeliverySplitsTest extends RouteTestSupport {
    @Override
    protected List<String> routeFiles() {
        return List.of("ingest.camel.yaml", "deliver.camel.yaml", "retry.camel.yaml");
    }

    @Test
    void theSplitsThatHandDeliveriesOnStreamThem() {
        List<String> splitsToDeliver = new ArrayList<>();
        for (RouteDefinition route : context.getCamelContextExtension().getContextPlugin(ModelCamelContext.class).getRouteDefinitions()) {
            for (SplitDefinition split : splits(route.getOutputs())) {
                if (split.getOutputs().stream().anyMatch(o -> o instanceof WireTapDefinition<?> tap && tap.getUri().equals("direct:deliver"))) {
                    splitsToDeliver.add(route.getRouteId() + " streaming=" + split.getStreaming());
                }
            }
        }
        assertThat(splitsToDeliver).as("the splits that wire-tap direct:deliver")
                .containsExactlyInAnyOrder("ingest streaming=true", "ingest-one streaming=true", "refill streaming=true", "retry streaming=true");
    }

    private static List<SplitDefinition> splits(List<ProcessorDefinition<?>> outputs) {
        List<SplitDefinition> found = new ArrayList<>();
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof SplitDefinition split) {
                found.add(split);
            }
            found.addAll(splits(output.getOutputs()));
        }
        return found;
    }
}
