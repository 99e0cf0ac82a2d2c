package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "Why hukz is not ready: a short reason per part that is down (database, nats, service)")
public record ReadinessErrors(
        @Schema(requiredMode = REQUIRED, example = "{\"database\": \"unreachable\"}") Map<String, String> errors) {
}
