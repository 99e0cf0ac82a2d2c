package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "An event to create or replace")
public record EventInput(
        @Schema(maxLength = 255, example = "Post created") String name,
        @Schema(requiredMode = REQUIRED, maxLength = 255, example = "post.created",
                description = "A NATS subject; wildcards * and > allowed; unique, case-insensitively") String event,
        @Schema(description = "Up to 50 pairs of at most 255 characters", example = "{\"app\": \"blog\"}") Map<String, String> tags) {
}
