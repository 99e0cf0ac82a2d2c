package hukz.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "An empty object: the answer of a delete")
public record Empty() {
}
