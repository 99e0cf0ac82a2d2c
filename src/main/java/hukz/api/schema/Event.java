package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "An event type: a NATS subject webhooks subscribe to")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Event(
        @Schema(requiredMode = REQUIRED) long id,
        @Schema(requiredMode = REQUIRED) Instant createdAt,
        @Schema(requiredMode = REQUIRED) Instant updatedAt,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "Always null: deleted events are never shown") Instant deletedAt,
        @Schema(requiredMode = REQUIRED, description = "The X-User that created it") long createdById,
        @Schema(requiredMode = REQUIRED, description = "The X-User that changed it last") long updatedById,
        @Schema(requiredMode = REQUIRED) String name,
        @Schema(requiredMode = REQUIRED, example = "post.created") String event,
        @Schema(requiredMode = REQUIRED) Map<String, String> tags) {
}
