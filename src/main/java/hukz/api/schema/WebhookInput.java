package hukz.api.schema;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "A webhook to create or replace")
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookInput(
        @Schema(maxLength = 255) String name,
        @Schema(requiredMode = REQUIRED, maxLength = 2048, example = "https://example.com/hook",
                description = "Absolute http or https URL; in production no private address") String url,
        @Schema(defaultValue = "true") Boolean enabled,
        @ArraySchema(minItems = 1, maxItems = 100, schema = @Schema(requiredMode = REQUIRED, minimum = "1"),
                arraySchema = @Schema(description = "Ids of existing events")) List<Long> eventIds,
        @Schema(description = "Up to 50 pairs of at most 255 characters") Map<String, String> tags,
        @Schema(oneOf = {Long.class, String.class}, nullable = true,
                description = "A positive integer or an id string (letters, digits, - and _); a space route's path wins") Object spaceId,
        @Schema(description = "whsec_ + base64 of 24 to 64 bytes; generated when absent on create, kept when absent on replace")
        String secret,
        @Schema(description = "Extra request headers (at most 20); webhook-*, content-type, host, content-length refused; "
                + "credential-like values are answered masked, and the masked value sent back keeps the stored one")
        Map<String, String> headers,
        @Schema(allowableValues = {"json", "slack", "google_chat"},
                description = "Default json; slack and google_chat for URLs on their hosts") String format,
        @Schema(nullable = true, minimum = "1", maximum = "10000",
                description = "Requests per second to this webhook across all instances; null for none") Integer rateLimit,
        @Schema(minimum = "1", maximum = "1000",
                description = "Attempts to this webhook at once per instance; default the max_in_flight setting") Integer maxInFlight) {
}
