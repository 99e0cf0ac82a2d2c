package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "A page of attempts, newest first")
public record WebhookLogPage(
        @Schema(requiredMode = REQUIRED, description = "All attempts that match, before paging") long total,
        @Schema(requiredMode = REQUIRED) List<WebhookLog> nodes) {
}
