package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(description = "A page of events, by id ascending")
public record EventPage(
        @Schema(requiredMode = REQUIRED, description = "All events that match, before paging") long total,
        @Schema(requiredMode = REQUIRED) List<Event> nodes) {
}
