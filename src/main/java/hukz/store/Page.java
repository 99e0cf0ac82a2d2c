package hukz.store;

import java.util.List;

/** One page of a list and the number of rows that matched before paging. */
public record Page<T>(long total, List<T> nodes) {
}
