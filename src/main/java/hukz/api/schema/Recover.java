package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "Re-queue the webhook's failed deliveries created since this time")
public record Recover(@Schema(requiredMode = REQUIRED, description = "RFC 3339") Instant since) {
}
