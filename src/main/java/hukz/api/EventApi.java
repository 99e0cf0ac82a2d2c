package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.ingest.SubjectPattern;
import hukz.ingest.WebhookDirectory;
import hukz.store.DataAccessException;
import hukz.store.Event;
import hukz.store.EventStore;
import org.apache.camel.Exchange;

import java.util.Map;
import java.util.function.Supplier;

/** /events: create, list, read, replace, delete. */
public final class EventApi {
    private static final String EVENT_TAKEN = "event already exists";
    private final ApiRequest requests;
    private final EventStore events;
    private final WebhookDirectory directory;

    public EventApi(ApiRequest requests, EventStore events, WebhookDirectory directory) {
        this.requests = requests;
        this.events = events;
        this.directory = directory;
    }

    public void create(Exchange exchange) {
        long user = requests.user(exchange);
        Input in = read(ApiRequest.jsonObject(exchange), 0);
        Event created = subjectUnique(() -> events.create(user, in.name, in.event, in.tags));
        directory.invalidate();
        ApiResponses.write(exchange, 201, Views.event(created));
    }

    public void list(Exchange exchange) {
        requests.user(exchange);
        ApiResponses.write(exchange, 200, Views.page(events.list(ApiRequest.listQuery(exchange)), Views::event));
    }

    public void get(Exchange exchange) {
        requests.user(exchange);
        long id = ApiRequest.id(exchange, "id");
        ApiResponses.write(exchange, 200, Views.event(events.find(id).orElseThrow(ApiException::notFound)));
    }

    public void update(Exchange exchange) {
        long user = requests.user(exchange);
        long id = ApiRequest.id(exchange, "id");
        events.find(id).orElseThrow(ApiException::notFound);
        Input in = read(ApiRequest.jsonObject(exchange), id);
        Event updated = subjectUnique(() -> events.update(id, user, in.name, in.event, in.tags)).orElseThrow(ApiException::notFound);
        directory.invalidate();
        ApiResponses.write(exchange, 200, Views.event(updated));
    }

    public void delete(Exchange exchange) {
        long user = requests.user(exchange);
        long id = ApiRequest.id(exchange, "id");
        events.find(id).orElseThrow(ApiException::notFound);
        if (events.inUse(id)) {
            throw new ApiException(422, "Event is used by a webhook", "id");
        }
        if (!events.delete(id, user)) {
            throw ApiException.notFound();
        }
        directory.invalidate();
        ApiResponses.write(exchange, 200, hukz.Json.object());
    }

    /**
     * Two requests for one subject can both pass {@link EventStore#subjectTaken}; the unique index then refuses
     * the second, which is the same 422 on the same field.
     */
    private static <T> T subjectUnique(Supplier<T> write) {
        try {
            return write.get();
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw ApiException.invalidField("event", EVENT_TAKEN);
            }
            throw e;
        }
    }

    private record Input(String name, String event, Map<String, String> tags) {
    }

    private Input read(JsonNode body, long id) {
        String name = Fields.text(body, "name", ApiRequest.MAX_TEXT, false);
        String event = Fields.text(body, "event", SubjectPattern.MAX_LENGTH, true);
        if (!SubjectPattern.isValid(event)) {
            throw ApiException.invalidField("event", "event must be a NATS subject (tokens separated by '.', wildcards * and >)");
        }
        Map<String, String> tags = Fields.stringMap(body, "tags", ApiRequest.MAX_TAGS);
        if (events.subjectTaken(event, id)) {
            throw ApiException.invalidField("event", EVENT_TAKEN);
        }
        return new Input(name == null ? "" : name, event, tags);
    }
}
