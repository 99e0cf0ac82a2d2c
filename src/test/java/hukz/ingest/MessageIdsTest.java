package hukz.ingest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** hukz's own message ids: msg_ and a version-7 UUID, unique, and later ones sort after earlier ones. */
class MessageIdsTest {
    @Test
    void anIdIsMsgAndATimeOrderedUuid() {
        String id = MessageIds.next();
        assertThat(id).startsWith("msg_");
        UUID uuid = UUID.fromString(id.substring(4));
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        long millis = uuid.getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1);
    }

    @Test
    void idsAreUniqueAndSortInTheOrderTheyWereMade() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(MessageIds.next());
            if (i % 2_500 == 0) {
                Thread.sleep(2);
            }
        }
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids).isSorted();
    }
}
