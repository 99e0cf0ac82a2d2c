package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "The attempts that started in one bucket")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StatsBucket(
        @Schema(requiredMode = REQUIRED) Instant start,
        @Schema(requiredMode = REQUIRED, description = "Successful attempts") long delivered,
        @Schema(requiredMode = REQUIRED) long failedAttempts,
        @Schema(requiredMode = REQUIRED) long attempts,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "Median attempt duration") Long p50Ms,
        @Schema(requiredMode = REQUIRED, nullable = true) Long p95Ms) {
}
