package hukz.store;

import java.util.Map;

/** Paging and the tag filter every list takes; {@code tags} must all be contained in an entity's tags. */
public record ListQuery(int page, int limit, Map<String, String> tags) {
    public int offset() {
        return (page - 1) * limit;
    }
}
