package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A {@link Delivery} and its attempts; spelled out rather than composed, so the schema stays closed. */
@Schema(description = "One message to one webhook, with its attempts")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DeliveryWithAttempts(
        @Schema(requiredMode = REQUIRED) long id,
        @Schema(requiredMode = REQUIRED) Instant createdAt,
        @Schema(requiredMode = REQUIRED) Instant updatedAt,
        @Schema(requiredMode = REQUIRED) long webhookId,
        @Schema(requiredMode = REQUIRED, description = "The webhook-id a receiver sees") String messageId,
        @Schema(requiredMode = REQUIRED, description = "The message's subject") String event,
        @Schema(requiredMode = REQUIRED, allowableValues = {"pending", "delivered", "failed"}) String status,
        @Schema(requiredMode = REQUIRED) int attemptCount,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "When pending: when it is next attempted") Instant nextAttemptAt,
        @Schema(requiredMode = REQUIRED, nullable = true) Integer lastStatusCode,
        @Schema(requiredMode = REQUIRED, nullable = true) String lastError,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "The JSON body sent") Object data,
        @Schema(requiredMode = REQUIRED, description = "Oldest first") List<WebhookLog> attempts) {
}
