package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "A page of webhooks, by id ascending")
public record WebhookPage(
        @Schema(requiredMode = REQUIRED, description = "All webhooks that match, before paging") long total,
        @Schema(requiredMode = REQUIRED) List<Webhook> nodes) {
}
