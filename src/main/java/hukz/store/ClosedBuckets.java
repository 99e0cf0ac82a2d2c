package hukz.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /stats buckets that can no longer change, kept for a while so that a dashboard asking every second or two
 * reads only its newest bucket from the database. A bucket is closed once it ended {@link #SETTLE} ago: an
 * attempt's row carries the time its transaction began, and attempt batches commit within that. Entries live
 * {@link #TTL} at most (rows retention deletes, or a transaction slower than SETTLE, show after that), and the
 * least recently used go first beyond {@link #MAX_ENTRIES}.
 */
final class ClosedBuckets {
    static final Duration SETTLE = Duration.ofMinutes(2);
    static final Duration TTL = Duration.ofMinutes(10);
    static final int MAX_ENTRIES = 100_000;

    record Key(long userId, Long webhookId, Instant start, long seconds) {
    }

    private record Entry(StatsStore.Bucket bucket, Instant storedAt) {
    }

    private final Map<Key, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    static boolean closed(Instant start, Duration size, Instant now) {
        return !start.plus(size).isAfter(now.minus(SETTLE));
    }

    synchronized StatsStore.Bucket get(Key key, Instant now) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.storedAt().plus(TTL).isBefore(now)) {
            entries.remove(key);
            return null;
        }
        return e.bucket();
    }

    synchronized void put(Key key, StatsStore.Bucket bucket, Instant now) {
        entries.put(key, new Entry(bucket, now));
    }
}
