package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "A webhook's signing secret")
public record WebhookSecret(@Schema(requiredMode = REQUIRED, example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") String key) {
}
