package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

public record Status(@Schema(requiredMode = REQUIRED, allowableValues = "ok") String status) {
}
