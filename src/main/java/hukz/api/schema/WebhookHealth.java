package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "The webhook's circuit (read-only)")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookHealth(
        @Schema(requiredMode = REQUIRED, allowableValues = {"closed", "open", "half_open"}) String circuit,
        @Schema(requiredMode = REQUIRED) int consecutiveFailures,
        @Schema(requiredMode = REQUIRED, nullable = true) Instant failingSince,
        @Schema(requiredMode = REQUIRED, nullable = true) Instant nextProbeAt) {
}
