package hukz.store;

import hukz.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All SQL on the events table. */
public final class EventStore {
    private static final String COLUMNS = "id, created_at, updated_at, created_by_id, updated_by_id, name, event, tags::text AS tags";
    private final Db db;

    public EventStore(Db db) {
        this.db = db;
    }

    public Event create(long userId, String name, String event, Map<String, String> tags) {
        return db.queryOne("INSERT INTO events (created_by_id, updated_by_id, name, event, tags) VALUES (?, ?, ?, ?, ?::jsonb) RETURNING " + COLUMNS,
                EventStore::map, userId, userId, name, event, Json.write(tags)).orElseThrow();
    }

    public Optional<Event> update(long id, long userId, String name, String event, Map<String, String> tags) {
        return db.queryOne("UPDATE events SET updated_at = now(), updated_by_id = ?, name = ?, event = ?, tags = ?::jsonb "
                        + "WHERE id = ? AND deleted_at IS NULL RETURNING " + COLUMNS,
                EventStore::map, userId, name, event, Json.write(tags), id);
    }

    public Optional<Event> find(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM events WHERE id = ? AND deleted_at IS NULL", EventStore::map, id);
    }

    /** Another live event with the same subject, compared case-insensitively. */
    public boolean subjectTaken(String event, long exceptId) {
        return db.queryLong("SELECT count(*) FROM events WHERE lower(event) = lower(?) AND deleted_at IS NULL AND id <> ?", event, exceptId) > 0;
    }

    public List<Event> findAll(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.query("SELECT " + COLUMNS + " FROM events WHERE id = ANY (?) AND deleted_at IS NULL ORDER BY id",
                EventStore::map, (Object) ids.toArray(Long[]::new));
    }

    public Page<Event> list(ListQuery q) {
        String tags = q.tagsJson();
        long total = db.queryLong("SELECT count(*) FROM events WHERE deleted_at IS NULL AND tags @> ?::jsonb", tags);
        List<Event> nodes = db.query("SELECT " + COLUMNS + " FROM events WHERE deleted_at IS NULL AND tags @> ?::jsonb ORDER BY id LIMIT ? OFFSET ?",
                EventStore::map, tags, q.limit(), q.offset());
        return new Page<>(total, nodes);
    }

    public boolean inUse(long id) {
        return db.queryLong("SELECT count(*) FROM webhook_events we JOIN webhooks w ON w.id = we.webhook_id "
                + "WHERE we.event_id = ? AND w.deleted_at IS NULL", id) > 0;
    }

    public boolean delete(long id, long userId) {
        return db.update("UPDATE events SET deleted_at = now(), updated_by_id = ? WHERE id = ? AND deleted_at IS NULL", userId, id) == 1;
    }

    static Event map(ResultSet rs) throws SQLException {
        return new Event(rs.getLong("id"), Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"),
                rs.getLong("created_by_id"), rs.getLong("updated_by_id"), rs.getString("name"), rs.getString("event"),
                Json.stringMap(rs.getString("tags")));
    }
}
