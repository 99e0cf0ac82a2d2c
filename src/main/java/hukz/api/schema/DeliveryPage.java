package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "A page of deliveries")
public record DeliveryPage(
        @Schema(requiredMode = REQUIRED, description = "All deliveries that match, before paging") long total,
        @Schema(requiredMode = REQUIRED) List<Delivery> nodes) {
}
