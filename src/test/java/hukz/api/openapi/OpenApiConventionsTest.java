package hukz.api.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules every API route shares, applied to a document as camel-openapi-java reads it from the REST DSL. */
class OpenApiConventionsTest {

    static OpenAPI document() {
        Schema<?> webhook = new ObjectSchema()
                .addProperty("space_id", new ObjectSchema().nullable(true).oneOf(List.of(new IntegerSchema(), new StringSchema())))
                .addProperty("data", new ObjectSchema().nullable(true))
                .addProperty("tags", new ObjectSchema().additionalProperties(new StringSchema()));
        return new OpenAPI()
                .components(new Components().addSchemas("Webhook", webhook))
                .paths(new Paths()
                        .addPathItem("/ping", new PathItem().get(op()))
                        .addPathItem("/metrics", new PathItem().get(op()))
                        .addPathItem("/events", new PathItem().get(op()))
                        .addPathItem("/webhooks/{id}", new PathItem().put(op()
                                .addParametersItem(new PathParameter().name("id").schema(new StringSchema()))
                                .requestBody(new RequestBody()))));
    }

    static Operation op() {
        return new Operation().responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("ok")));
    }

    @Test
    void userRoutesTakeXUserAndAnswer401And503ServiceRoutesDoNot() {
        OpenAPI doc = document();
        OpenApiConventions.apply(doc, false);
        Operation events = doc.getPaths().get("/events").getGet();
        assertThat(events.getParameters()).anyMatch(p -> "X-User".equals(p.getName()) && "header".equals(p.getIn()) && p.getRequired());
        assertThat(events.getResponses()).containsKeys("200", "401", "503", "default");
        Operation ping = doc.getPaths().get("/ping").getGet();
        assertThat(ping.getParameters()).isNull();
        assertThat(ping.getResponses()).containsOnlyKeys("200", "default");
        assertThat(doc.getPaths().get("/metrics").getGet().getResponses()).containsKey("401");
        assertThat(doc.getServers()).singleElement().satisfies(s -> assertThat(s.getUrl()).isEqualTo("/"));
    }

    @Test
    void theBearerTokenIsRequiredOnGuardedRoutesOnlyWhenTheServerHasOne() {
        OpenAPI open = document();
        OpenApiConventions.apply(open, false);
        assertThat(open.getComponents().getSecuritySchemes().get(OpenApiConventions.BEARER).getScheme()).isEqualTo("bearer");
        assertThat(open.getPaths().get("/events").getGet().getSecurity()).isNull();

        OpenAPI guarded = document();
        OpenApiConventions.apply(guarded, true);
        assertThat(guarded.getPaths().get("/events").getGet().getSecurity()).singleElement()
                .satisfies(r -> assertThat(r).containsKey(OpenApiConventions.BEARER));
        assertThat(guarded.getPaths().get("/metrics").getGet().getSecurity()).hasSize(1);
        assertThat(guarded.getPaths().get("/ping").getGet().getSecurity()).isNull();
    }

    @Test
    void idRoutesAreNumericWith400And404AndBodyRoutesAnswer413And422InTheErrorShape() {
        OpenAPI doc = document();
        OpenApiConventions.apply(doc, false);
        Operation put = doc.getPaths().get("/webhooks/{id}").getPut();
        assertThat(put.getParameters().get(0).getSchema().getType()).isEqualTo("integer");
        assertThat(put.getResponses()).containsKeys("400", "404", "413", "422");
        put.getResponses().forEach((status, response) -> {
            if (!status.startsWith("2")) {
                assertThat(response.getContent().get("application/json").getSchema().get$ref())
                        .as(status).isEqualTo("#/components/schemas/Errors");
            }
        });
        assertThat(doc.getComponents().getSchemas()).containsKeys("Errors", "ApiError");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void anyJsonValuesAndNullableOneOfsAdmitWhatTheyHold() {
        OpenAPI doc = document();
        OpenApiConventions.apply(doc, false);
        Map<String, Schema> properties = doc.getComponents().getSchemas().get("Webhook").getProperties();
        assertThat(properties.get("data").getType()).as("any JSON value").isNull();
        assertThat(properties.get("space_id").getType()).isNull();
        assertThat(((Schema<?>) properties.get("space_id").getOneOf().get(0)).getNullable()).isTrue();
        assertThat(properties.get("tags").getType()).isEqualTo("object");
    }
}
