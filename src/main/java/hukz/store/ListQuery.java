package hukz.store;

import hukz.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Paging and the tag filter every list takes: an entity matches when its tags contain every requested pair. */
public record ListQuery(int page, int limit, List<Tag> tags) {
    public record Tag(String key, String value) {
    }

    public ListQuery {
        tags = List.copyOf(tags);
    }

    public int offset() {
        return (page - 1) * limit;
    }

    /**
     * The filter as one document for {@code tags @> ?::jsonb}, or null when two pairs give one key different
     * values: no entity can hold both, and {@code tags @> NULL} is never true, so such a list is empty.
     */
    public String tagsJson() {
        Map<String, String> all = new LinkedHashMap<>();
        for (Tag tag : tags) {
            String before = all.putIfAbsent(tag.key(), tag.value());
            if (before != null && !before.equals(tag.value())) {
                return null;
            }
        }
        return Json.write(all);
    }
}
