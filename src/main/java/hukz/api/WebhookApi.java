package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.attempt.PayloadFormat;
import hukz.attempt.Signer;
import hukz.attempt.UrlGuard;
import hukz.ingest.WebhookDirectory;
import hukz.store.CircuitState;
import hukz.store.EventStore;
import hukz.store.FlowStore;
import hukz.store.Page;
import hukz.store.Webhook;
import hukz.store.WebhookFields;
import hukz.store.WebhookStore;
import org.apache.camel.Exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** /webhooks: CRUD, per-space routes, the event check, and the secret. */
public final class WebhookApi {
    public static final Duration ROTATION_GRACE = Duration.ofHours(24);
    private static final int MAX_HEADERS = 20;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,255}");
    private static final Pattern SPACE_ID = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "host", "content-length", "transfer-encoding",
            "connection", "user-agent", "te", "upgrade", "trailer", "expect", "keep-alive", "proxy-connection",
            // The HTTP client would compress the body while the signature covers it uncompressed.
            "content-encoding");

    private final ApiRequest requests;
    private final WebhookStore webhooks;
    private final EventStore events;
    private final UrlGuard guard;
    private final WebhookDirectory directory;
    private final FlowStore flow;
    private final int defaultMaxInFlight;

    public WebhookApi(ApiRequest requests, WebhookStore webhooks, EventStore events, UrlGuard guard, WebhookDirectory directory,
                      FlowStore flow, int defaultMaxInFlight) {
        this.requests = requests;
        this.flow = flow;
        this.defaultMaxInFlight = defaultMaxInFlight;
        this.webhooks = webhooks;
        this.events = events;
        this.guard = guard;
        this.directory = directory;
    }

    public void create(Exchange exchange) {
        long user = requests.user(exchange);
        WebhookFields fields = read(ApiRequest.jsonObject(exchange), null, true, Map.of());
        Webhook created = webhooks.create(user, fields);
        directory.invalidate();
        ApiResponses.write(exchange, 201, view(created));
    }

    public void createInSpace(Exchange exchange) {
        long user = requests.user(exchange);
        String space = spaceFromPath(exchange);
        WebhookFields fields = read(ApiRequest.jsonObject(exchange), space, true, Map.of());
        Webhook created = webhooks.create(user, fields);
        directory.invalidate();
        ApiResponses.write(exchange, 201, view(created));
    }

    public void list(Exchange exchange) {
        requests.user(exchange);
        String space = ApiRequest.param(exchange, "space_id");
        if (space != null && space.isEmpty()) {
            space = null;
        }
        if (space != null && !SPACE_ID.matcher(space).matches()) {
            throw ApiException.badParam("space_id", "space_id is not valid");
        }
        ApiResponses.write(exchange, 200, page(webhooks.list(ApiRequest.listQuery(exchange), space)));
    }

    public void listInSpace(Exchange exchange) {
        requests.user(exchange);
        String space = spaceFromPath(exchange);
        ApiResponses.write(exchange, 200, page(webhooks.list(ApiRequest.listQuery(exchange), space)));
    }

    public void check(Exchange exchange) {
        requests.user(exchange);
        String space = spaceFromPath(exchange);
        String event = ApiRequest.param(exchange, "event");
        ObjectNode answer = Json.object();
        answer.put("event_enabled", event != null && webhooks.spaceHasEvent(space, event));
        ApiResponses.write(exchange, 200, answer);
    }

    public void get(Exchange exchange) {
        requests.user(exchange);
        ApiResponses.write(exchange, 200, view(find(exchange)));
    }

    public void update(Exchange exchange) {
        long user = requests.user(exchange);
        Webhook current = find(exchange);
        WebhookFields fields = read(ApiRequest.jsonObject(exchange), current.spaceId(), false, current.headers());
        Webhook updated = webhooks.update(current.id(), user, fields).orElseThrow(ApiException::notFound);
        directory.invalidate();
        ApiResponses.write(exchange, 200, view(updated));
    }

    public void delete(Exchange exchange) {
        long user = requests.user(exchange);
        Webhook current = find(exchange);
        if (!webhooks.delete(current.id(), user)) {
            throw ApiException.notFound();
        }
        directory.invalidate();
        ApiResponses.write(exchange, 200, Json.object());
    }

    public void secret(Exchange exchange) {
        requests.user(exchange);
        ObjectNode answer = Json.object();
        answer.put("key", find(exchange).secret());
        ApiResponses.write(exchange, 200, answer);
    }

    public void rotateSecret(Exchange exchange) {
        long user = requests.user(exchange);
        Webhook current = find(exchange);
        Webhook rotated = webhooks.rotateSecret(current.id(), user, Signer.newSecret(), Instant.now().plus(ROTATION_GRACE))
                .orElseThrow(ApiException::notFound);
        directory.invalidate();
        ObjectNode answer = Json.object();
        answer.put("key", rotated.secret());
        ApiResponses.write(exchange, 200, answer);
    }

    /** A webhook's JSON with its health (circuit) from webhook_flow. */
    private ObjectNode view(Webhook w) {
        return Views.webhook(w, flow.circuit(w.id()));
    }

    private ObjectNode page(Page<Webhook> page) {
        Map<Long, CircuitState> circuits = flow.circuits(page.nodes().stream().map(Webhook::id).toList());
        return Views.page(page, w -> Views.webhook(w, circuits.getOrDefault(w.id(), CircuitState.INITIAL)));
    }

    Webhook find(Exchange exchange) {
        return webhooks.find(ApiRequest.id(exchange, "id")).orElseThrow(ApiException::notFound);
    }

    private static String spaceFromPath(Exchange exchange) {
        String space = ApiRequest.pathParam(exchange, "space_id");
        if (space == null || !SPACE_ID.matcher(space).matches()) {
            throw ApiException.invalidId();
        }
        return space;
    }

    /** Validates a create or replace body; {@code spaceFromPath} wins over the body's space_id. */
    private WebhookFields read(JsonNode body, String spaceFromPath, boolean creating, Map<String, String> storedHeaders) {
        String name = Fields.text(body, "name", ApiRequest.MAX_TEXT, false);
        String url = Fields.text(body, "url", UrlGuard.MAX_URL_LENGTH, true);
        String urlProblem = guard.problem(url);
        if (urlProblem != null) {
            throw ApiException.invalidField("url", urlProblem);
        }
        boolean enabled = Fields.bool(body, "enabled", true);
        List<Long> eventIds = Fields.ids(body, "event_ids");
        if (events.findAll(eventIds).size() != eventIds.size()) {
            throw ApiException.invalidField("event_ids", "event_ids must all be existing events");
        }
        Map<String, String> tags = Fields.stringMap(body, "tags", ApiRequest.MAX_TAGS);
        String secret = Fields.text(body, "secret", 200, false);
        if (secret != null && !Signer.isValidSecret(secret)) {
            throw ApiException.invalidField("secret", "secret must be whsec_ followed by the base64 of 24 to 64 bytes");
        }
        if (secret == null && creating) {
            secret = Signer.newSecret();
        }
        Map<String, String> headers = readHeaders(body, storedHeaders);
        String format = Fields.text(body, "format", 32, false);
        if (format == null) {
            format = PayloadFormat.defaultFor(url);
        } else if (!PayloadFormat.ALL.contains(format)) {
            throw ApiException.invalidField("format", "format must be one of json, slack, google_chat");
        }
        String space = spaceFromPath != null && creating ? spaceFromPath : readSpaceId(body, spaceFromPath);
        Integer rateLimit = Fields.integer(body, "rate_limit", 1, 10_000, null);
        int maxInFlight = Fields.integer(body, "max_in_flight", 1, 1000, defaultMaxInFlight);
        return new WebhookFields(name == null ? "" : name, url, enabled, eventIds, tags, space, secret, headers, format,
                rateLimit, maxInFlight);
    }

    private static String readSpaceId(JsonNode body, String fallback) {
        JsonNode node = body.get("space_id");
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() > 0) {
            return String.valueOf(node.longValue());
        }
        if (node.isTextual() && SPACE_ID.matcher(node.textValue()).matches()) {
            return node.textValue();
        }
        throw ApiException.invalidField("space_id", "space_id must be a positive integer or an id string");
    }

    private static Map<String, String> readHeaders(JsonNode body, Map<String, String> storedHeaders) {
        Map<String, String> headers = HeaderMask.restore(Fields.stringMap(body, "headers", MAX_HEADERS), storedHeaders);
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(h.getKey()).matches()) {
                throw ApiException.invalidField("headers", "header name '" + h.getKey() + "' is not a legal HTTP header name");
            }
            if (lower.startsWith("webhook-") || lower.startsWith("camel") || RESERVED_HEADERS.contains(lower)) {
                throw ApiException.invalidField("headers", "header '" + h.getKey() + "' is reserved");
            }
            if (!seen.add(lower)) {
                throw ApiException.invalidField("headers", "header '" + h.getKey() + "' is given twice");
            }
            for (char c : h.getValue().toCharArray()) {
                if (c == '\r' || c == '\n' || c == 0 || c > 0xff || c < 0x20 && c != '\t' || c == 0x7f) {
                    throw ApiException.invalidField("headers", "header '" + h.getKey() + "' has an illegal value");
                }
            }
        }
        return headers;
    }
}
