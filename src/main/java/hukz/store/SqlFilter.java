package hukz.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A WHERE clause made of fixed SQL fragments and the values bound to them. Only the filters a request
 * sets are in the SQL, so PostgreSQL plans each combination for the indexes it can use (a catch-all
 * {@code ? IS NULL OR col = ?} would get one generic plan that uses none).
 */
final class SqlFilter {
    private final List<String> parts = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    SqlFilter add(String sql, Object... values) {
        parts.add(sql);
        params.addAll(Arrays.asList(values));
        return this;
    }

    SqlFilter copy() {
        SqlFilter f = new SqlFilter();
        f.parts.addAll(parts);
        f.params.addAll(params);
        return f;
    }

    String sql() {
        return parts.isEmpty() ? "true" : String.join(" AND ", parts);
    }

    /** The bound values, followed by {@code more}. */
    Object[] params(Object... more) {
        List<Object> all = new ArrayList<>(params);
        all.addAll(Arrays.asList(more));
        return all.toArray();
    }

    /** {@code first} (bound to placeholders before the WHERE clause), then the bound values. */
    Object[] paramsAfter(Object... first) {
        List<Object> all = new ArrayList<>(Arrays.asList(first));
        all.addAll(params);
        return all.toArray();
    }
}
