package hukz.api.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every API route has in common, added to the document camel-openapi-java reads from the REST DSL, so that a
 * route's YAML names only what is its own (query parameters, body type, success answer). These are the rules
 * {@code ApiRequest} and {@code ApiErrors} enforce (SPEC §3): routes under {@link #USER_PATHS} need {@code X-User};
 * a path {@code {id}} is a positive number, else 400, and an unknown one 404; a JSON body may be refused with 413 or
 * 422; every error has the {@code {"errors":[...]}} body (an error answer a route names without a body gets this one).
 */
final class OpenApiConventions {
    static final List<String> USER_PATHS = List.of("/events", "/webhooks", "/deliveries", "/stats");
    static final String BEARER = "bearerAuth";
    private static final String ERRORS_REF = "#/components/schemas/Errors";

    private OpenApiConventions() {
    }

    /** Completes {@code doc} in place; {@code tokenRequired} when the server has an {@code api_token}. */
    static void apply(OpenAPI doc, boolean tokenRequired) {
        // Relative, so the document works behind any host name or proxy (and for Swagger UI on /docs).
        doc.setServers(List.of(new Server().url("/")));
        Components components = doc.getComponents() == null ? new Components() : doc.getComponents();
        doc.setComponents(components);
        components.addSchemas("ApiError", new ObjectSchema().description("One error")
                .addProperty("code", new IntegerSchema().description("The HTTP status"))
                .addProperty("message", new StringSchema())
                .addProperty("source", new StringSchema().description("The field or parameter at fault, or empty"))
                .required(List.of("code", "message", "source")));
        components.addSchemas("Errors", new ObjectSchema().description("Every error answer of the API (the original's shape)")
                .addProperty("errors", new ArraySchema().minItems(1).items(new Schema<>().$ref("#/components/schemas/ApiError")))
                .required(List.of("errors")));
        components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("The api_token; when the server has one, every route but /ping, /health/*, /openapi.json and /docs needs it"));
        doc.getPaths().forEach((path, item) -> item.readOperationsMap().values().forEach(op -> complete(path, op, tokenRequired)));
        components.getSchemas().values().forEach(OpenApiConventions::untypeJsonValues);
    }

    private static void complete(String path, Operation op, boolean tokenRequired) {
        boolean user = USER_PATHS.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
        boolean guarded = user || path.equals("/metrics");
        if (op.getResponses() == null) {
            op.setResponses(new ApiResponses());
        }
        // camel-openapi-java puts a placeholder "default" on routes that name no response; the real ones follow.
        op.getResponses().remove(ApiResponses.DEFAULT);
        if (user) {
            List<Parameter> params = op.getParameters() == null ? new ArrayList<>() : new ArrayList<>(op.getParameters());
            params.add(xUser());
            op.setParameters(params);
        }
        if (guarded && tokenRequired) {
            op.addSecurityItem(new SecurityRequirement().addList(BEARER));
        }
        if (guarded) {
            error(op, "401", user ? "No valid X-User (or no valid bearer token when the server has an api_token)"
                    : "No valid bearer token (the server has an api_token)");
        }
        if (op.getParameters() != null) {
            for (Parameter p : op.getParameters()) {
                if ("path".equals(p.getIn()) && "id".equals(p.getName())) {
                    p.description("A positive integer id").schema(new IntegerSchema().format("int64"));
                }
            }
            if (op.getParameters().stream().anyMatch(p -> "path".equals(p.getIn()) || "query".equals(p.getIn()))) {
                error(op, "400", "Invalid ID (a path id or space_id that is not one), or a malformed query parameter");
            }
        }
        if (path.contains("{id}")) {
            error(op, "404", "Record not found (unknown or deleted)");
        }
        if (op.getRequestBody() != null) {
            error(op, "413", "Request body too large (over 1 MiB)");
            error(op, "422", "Invalid request body, or a field that fails validation (named in source)");
        }
        if (user) {
            error(op, "503", "Database unavailable");
        }
        error(op, ApiResponses.DEFAULT, "Any other failure (405, 414, 431, 500, ...), in the same shape");
        errorBodies(op);
    }

    /** Written out on each operation (not a $ref) so that every parameter in the document carries its name. */
    private static Parameter xUser() {
        return new HeaderParameter().name("X-User").required(true)
                .description("The caller: a positive integer (the original hukz's user id)")
                .schema(new IntegerSchema().format("int64").minimum(BigDecimal.ONE));
    }

    private static void error(Operation op, String status, String description) {
        op.getResponses().putIfAbsent(status, new ApiResponse().description(description));
    }

    /** Every error answer without a body of its own has the error shape. */
    private static void errorBodies(Operation op) {
        op.getResponses().forEach((status, response) -> {
            if (response.getContent() == null && (status.equals(ApiResponses.DEFAULT) || status.startsWith("4") || status.startsWith("5"))) {
                response.setContent(new Content().addMediaType("application/json", new MediaType().schema(new Schema<>().$ref(ERRORS_REF))));
            }
        });
    }

    /**
     * swagger-core writes a Java {@code Object} as {@code type: object}. hukz uses Object for a value of any JSON type
     * (a log's {@code data} and {@code response_body}) and, with {@code oneOf}, for {@code space_id} (a number or a
     * string), where {@code type: object} would refuse every value; such a property has no type of its own. Camel's
     * class-name bookkeeping on properties goes too.
     */
    @SuppressWarnings("rawtypes")
    private static void untypeJsonValues(Schema<?> schema) {
        Map<String, Schema> properties = schema.getProperties();
        if (properties == null) {
            return;
        }
        for (Schema property : properties.values()) {
            if (property.getExtensions() != null) {
                property.getExtensions().remove("x-className");
                if (property.getExtensions().isEmpty()) {
                    property.setExtensions(null);
                }
            }
            // OpenAPI 3.0 has no null type: a nullable oneOf admits null through its first branch.
            if (Boolean.TRUE.equals(property.getNullable()) && property.getOneOf() != null && !property.getOneOf().isEmpty()) {
                ((Schema) property.getOneOf().get(0)).setNullable(true);
            }
            if ("object".equals(property.getType()) && property.getProperties() == null
                    && property.getAdditionalProperties() == null && property.get$ref() == null) {
                property.setType(null);
            }
        }
    }
}
