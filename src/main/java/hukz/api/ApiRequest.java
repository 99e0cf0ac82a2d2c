package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.Json;
import hukz.store.ListQuery;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.rest.RestEndpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a request carries: the caller (api token, {@code X-User}), path ids, query parameters and the
 * JSON body. Headers and query parameters are read from the HTTP request itself, so a query parameter can
 * never pose as a header.
 */
public final class ApiRequest {
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_TAGS = 50;
    public static final int MAX_TEXT = 255;

    private final String apiToken;

    public ApiRequest(String apiToken) {
        this.apiToken = apiToken == null ? "" : apiToken;
    }

    /** Checks the api token (when one is set) and returns the positive integer in {@code X-User}, else 401. */
    public long user(Exchange exchange) {
        authorize(exchange);
        String header = header(exchange, "X-User");
        if (header == null || !header.trim().matches("\\d{1,19}")) {
            throw ApiException.unauthorized();
        }
        try {
            long user = Long.parseLong(header.trim());
            if (user <= 0) {
                throw ApiException.unauthorized();
            }
            return user;
        } catch (NumberFormatException beyondLong) {
            throw ApiException.unauthorized();
        }
    }

    /** With {@code api_token} set, the request must carry {@code Authorization: Bearer <token>} (compared in constant time). */
    public void authorize(Exchange exchange) {
        if (apiToken.isEmpty()) {
            return;
        }
        String header = header(exchange, "Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), apiToken.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.unauthorized();
        }
    }

    public static String header(Exchange exchange, String name) {
        HttpServerRequest request = request(exchange);
        if (request != null) {
            return request.getHeader(name);
        }
        return exchange.getMessage().getHeader(name, String.class);
    }

    /** All values of a query parameter, in order. A NUL character (which no text column can hold) is 400. */
    public static List<String> params(Exchange exchange, String name) {
        List<String> values = rawParams(exchange, name);
        for (String v : values) {
            if (v.indexOf('\0') >= 0) {
                throw ApiException.badParam(name, name + " must not contain NUL characters");
            }
        }
        return values;
    }

    private static List<String> rawParams(Exchange exchange, String name) {
        HttpServerRequest request = request(exchange);
        if (request != null) {
            return request.params().getAll(name);
        }
        Object value = exchange.getMessage().getHeader(name);
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
    }

    public static String param(Exchange exchange, String name) {
        List<String> values = params(exchange, name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static HttpServerRequest request(Exchange exchange) {
        return exchange.getIn() instanceof HttpMessage http ? http.getRequest() : null;
    }

    /** A positive id from the path; non-numeric or out of range is 400 Invalid ID. */
    public static long id(Exchange exchange, String name) {
        return parseId(pathParam(exchange, name));
    }

    /**
     * A path parameter, read from the request's path itself where the route's path template has
     * {@code {name}}. platform-http also puts path parameters into the message headers, beside request headers,
     * query parameters and form fields of the same name, so a header never decides it. (Outside HTTP, as in
     * unit tests, the header is the path parameter.)
     */
    public static String pathParam(Exchange exchange, String name) {
        HttpServerRequest request = request(exchange);
        String pathTemplate = pathTemplate(exchange.getFromEndpoint());
        if (request != null && pathTemplate != null) {
            String[] template = pathTemplate.split("/", -1);
            String[] actual = request.path().split("/", -1);
            // aligned from the end, so a server context path in front changes nothing
            int offset = actual.length - template.length;
            for (int i = 0; i < template.length; i++) {
                if (template[i].equals("{" + name + "}")) {
                    return offset >= 0 ? QueryStringDecoder.decodeComponent(actual[i + offset].replace("+", "%2B")) : null;
                }
            }
        }
        Object value = exchange.getMessage().getHeader(name);
        if (value instanceof List<?> list) {
            return list.isEmpty() ? null : String.valueOf(list.get(list.size() - 1));
        }
        return value == null ? null : value.toString();
    }

    /** The route's path with its {@code {name}} placeholders, from the REST DSL or platform-http endpoint. */
    private static String pathTemplate(Endpoint endpoint) {
        String template = null;
        if (endpoint instanceof RestEndpoint rest && rest.getPath() != null) {
            template = rest.getPath() + "/" + (rest.getUriTemplate() == null ? "" : rest.getUriTemplate());
        } else if (endpoint instanceof PlatformHttpEndpoint http) {
            template = http.getPath();
        }
        return template == null ? null : template.replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    }

    /** Every id that fits a bigint is a number that may name a record (404 when none); anything else is 400 Invalid ID. */
    public static long parseId(String text) {
        if (text == null || !text.matches("-?\\d{1,19}")) {
            throw ApiException.invalidId();
        }
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException beyondLong) {
            throw ApiException.invalidId();
        }
        if (id <= 0) {
            throw ApiException.notFound();
        }
        return id;
    }

    /** The highest page a request may ask for: its offset still fits an int at the largest limit. */
    static final int MAX_PAGE = Integer.MAX_VALUE / MAX_LIMIT;

    /** Paging and tag filters; page from 1, limit 1..100 else 20, each {@code tag=key:value}. */
    public static ListQuery listQuery(Exchange exchange) {
        int limit = parseInt(param(exchange, "limit"), DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            limit = DEFAULT_LIMIT;
        }
        return new ListQuery(page(param(exchange, "page")), limit, tagFilter(params(exchange, "tag")));
    }

    /** A page past any data stays past it however many digits it has (else a client paging on would start over); anything but a positive number is page 1. */
    static int page(String text) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("\\d+")) {
            return 1;
        }
        String digits = t.replaceFirst("^0+(?=.)", "");
        int page = digits.length() > 9 ? MAX_PAGE : Math.min(Integer.parseInt(digits), MAX_PAGE);
        return Math.max(page, 1);
    }

    static List<ListQuery.Tag> tagFilter(List<String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw ApiException.badParam("tag", "too many tag filters (at most " + MAX_TAGS + ")");
        }
        List<ListQuery.Tag> filter = new ArrayList<>();
        for (String tag : tags) {
            int colon = tag.indexOf(':');
            if (colon < 0) {
                throw ApiException.badParam("tag", "tag must be key:value");
            }
            filter.add(new ListQuery.Tag(tag.substring(0, colon), tag.substring(colon + 1)));
        }
        return filter;
    }

    private static int parseInt(String text, int fallback) {
        if (text == null || !text.trim().matches("-?\\d{1,9}")) {
            return fallback;
        }
        return Integer.parseInt(text.trim());
    }

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    public static Instant instantParam(Exchange exchange, String name) {
        String text = param(exchange, name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badParam(name, name + " must be an RFC 3339 time");
        }
        // RFC 3339 years have four digits; PostgreSQL cannot compare against the years java.time allows beyond them.
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw ApiException.badParam(name, name + " must be an RFC 3339 time between years 0001 and 9999");
        }
        return time;
    }

    /** The body as a JSON object: over 1 MiB is 413, anything but a JSON object is 422 Invalid request body. */
    public static JsonNode jsonObject(Exchange exchange) {
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        if (bytes != null && bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "Request body too large", "");
        }
        if (bytes == null || bytes.length == 0) {
            throw ApiException.invalidBody();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiException.invalidBody();
            }
            return node;
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.invalidBody();
        }
    }
}
