package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "An OpenAPI 3 document")
public record ApiDocument(
        @Schema(requiredMode = REQUIRED, example = "3.0.1") String openapi,
        @Schema(requiredMode = REQUIRED) Object info,
        @Schema(requiredMode = REQUIRED) Object paths,
        Object components,
        List<Object> servers,
        List<Object> tags) {
}
