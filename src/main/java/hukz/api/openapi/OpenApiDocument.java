package hukz.api.openapi;

import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.openapi.BeanConfig;
import org.apache.camel.openapi.OpenApiHelper;
import org.apache.camel.openapi.RestOpenApiReader;
import org.apache.camel.openapi.RestOpenApiSupport;
import org.apache.camel.spi.Resource;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GET /openapi.json: camel-openapi-java reads the REST DSL of routes/api-*.camel.yaml (paths, parameters, body types,
 * answers) and {@link OpenApiConventions} adds what all API routes share. Rendered again whenever the REST routes
 * change (route reload in development), else served from memory.
 */
public final class OpenApiDocument {
    private final boolean tokenRequired;
    private List<RestDefinition> renderedFrom = List.of();
    private byte[] rendered;

    public OpenApiDocument(boolean tokenRequired) {
        this.tokenRequired = tokenRequired;
    }

    public void render(Exchange exchange) throws Exception {
        byte[] json = json(exchange.getContext());
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(json);
    }

    synchronized byte[] json(CamelContext context) throws Exception {
        List<RestDefinition> rests = currentRests(context);
        if (rendered == null || !rests.equals(renderedFrom)) {
            rendered = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(model(context, rests))
                    .getBytes(StandardCharsets.UTF_8);
            renderedFrom = rests;
        }
        return rendered;
    }

    OpenAPI model(CamelContext context, List<RestDefinition> rests) throws Exception {
        BeanConfig config = new BeanConfig();
        Map<String, Object> properties = context.getRestConfiguration().getApiProperties();
        new RestOpenApiSupport().initOpenApi(config, properties == null ? new HashMap<>() : properties);
        OpenAPI doc = new RestOpenApiReader().read(context, rests, config, context.getName(), context.getClassResolver());
        // Camel's bookkeeping (x-className, x-camelContextId) means nothing to a client.
        OpenApiHelper.clearVendorExtensions(doc);
        nameOperationsByRouteId(context, doc, rests);
        OpenApiConventions.apply(doc, tokenRequired);
        return doc;
    }

    /** An operation is called by its route's id (api-webhooks-get), not by Camel's generated verb number. */
    private static void nameOperationsByRouteId(CamelContext context, OpenAPI doc, List<RestDefinition> rests) {
        for (RestDefinition rest : rests) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = OpenApiHelper.buildUrl(resolve(context, rest.getPath()), resolve(context, verb.getPath()));
                PathItem item = doc.getPaths().get(path);
                Operation op = item == null ? null
                        : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(verb.asVerb().toUpperCase(Locale.ROOT)));
                if (op != null && verb.getRouteId() != null) {
                    op.setOperationId(resolve(context, verb.getRouteId()));
                }
            }
        }
    }

    private static String resolve(CamelContext context, String text) {
        return text == null ? null : context.resolvePropertyPlaceholders(text);
    }

    /**
     * The REST definitions as the files now hold them. Camel keeps the definitions of a reloaded file beside the old
     * ones, so only the latest load of each file counts.
     */
    static List<RestDefinition> currentRests(CamelContext context) {
        List<RestDefinition> all = context.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions();
        Map<String, Resource> latest = new HashMap<>();
        all.stream().filter(r -> r.getResource() != null).forEach(r -> latest.put(r.getResource().getLocation(), r.getResource()));
        return all.stream()
                .filter(r -> r.getResource() == null || latest.get(r.getResource().getLocation()) == r.getResource())
                .toList();
    }
}
