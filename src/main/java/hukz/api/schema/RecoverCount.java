package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

public record RecoverCount(@Schema(requiredMode = REQUIRED, description = "Deliveries re-queued") long count) {
}
