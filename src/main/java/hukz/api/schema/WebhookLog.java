package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "One attempt of a delivery")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookLog(
        @Schema(requiredMode = REQUIRED) long id,
        @Schema(requiredMode = REQUIRED) Instant createdAt,
        @Schema(requiredMode = REQUIRED, description = "The creator of the webhook") long createdById,
        @Schema(requiredMode = REQUIRED, description = "The message's subject") String event,
        @Schema(requiredMode = REQUIRED) String url,
        @Schema(requiredMode = REQUIRED, description = "0 when there was no response") int responseStatusCode,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "The JSON body sent") Object data,
        @Schema(requiredMode = REQUIRED, nullable = true,
                description = "The response: JSON when it was JSON, else a JSON string; cut at 64 KiB") Object responseBody,
        @Schema(requiredMode = REQUIRED, description = "The webhook's tags") Map<String, String> tags,
        @Schema(requiredMode = REQUIRED) long webhookId,
        @Schema(requiredMode = REQUIRED, nullable = true) Long deliveryId,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "The webhook-id the receiver saw") String messageId,
        @Schema(requiredMode = REQUIRED, description = "1 for the first attempt") int attempt,
        @Schema(requiredMode = REQUIRED) long durationMs,
        @Schema(requiredMode = REQUIRED, nullable = true, description = "Why the attempt failed without a response") String error) {
}
