package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "Attempts per bucket of the caller's webhooks, and what is still pending")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Stats(
        @Schema(requiredMode = REQUIRED, description = "At most 1,440, oldest first") List<StatsBucket> buckets,
        @Schema(requiredMode = REQUIRED, description = "Deliveries pending now") long pending,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "Age of the oldest pending delivery") Long oldestPendingAgeS) {
}
