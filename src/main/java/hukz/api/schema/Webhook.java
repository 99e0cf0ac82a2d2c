package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "A receiver of events; its secret is never shown here")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Webhook(
        @Schema(requiredMode = REQUIRED) long id,
        @Schema(requiredMode = REQUIRED) Instant createdAt,
        @Schema(requiredMode = REQUIRED) Instant updatedAt,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "Always null: deleted webhooks are never shown") Instant deletedAt,
        @Schema(requiredMode = REQUIRED) long createdById,
        @Schema(requiredMode = REQUIRED) long updatedById,
        @Schema(requiredMode = REQUIRED) String name,
        @Schema(requiredMode = REQUIRED) String url,
        @Schema(requiredMode = REQUIRED) boolean enabled,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "Why hukz disabled it (410 Gone, failing too long)") String disabledReason,
        @Schema(requiredMode = REQUIRED, oneOf = {Long.class, String.class}, nullable = true) Object spaceId,
        @Schema(requiredMode = REQUIRED) Map<String, String> tags,
        @Schema(requiredMode = REQUIRED, description = "Credential-like values masked") Map<String, String> headers,
        @Schema(requiredMode = REQUIRED, allowableValues = {"json", "slack", "google_chat"}) String format,
        @Schema(requiredMode = REQUIRED) List<Long> eventIds,
        @Schema(requiredMode = REQUIRED) List<Event> events,
        @Schema(nullable = true, minimum = "1", maximum = "10000") Integer rateLimit,
        @Schema(minimum = "1", maximum = "1000") Integer maxInFlight,
        WebhookHealth health) {
}
