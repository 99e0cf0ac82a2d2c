package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.Json;
import hukz.store.ListQuery;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

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

    /** All values of a query parameter, in order. */
    public static List<String> params(Exchange exchange, String name) {
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
     * A path parameter. platform-http puts request headers and query parameters into the same message headers
     * before the path parameters, so {@code /events/1?id=2} (or a request header {@code id: 2}) arrives as the
     * list [2, 1]: the path's value is the last one, and nothing else may stand in for it.
     */
    public static String pathParam(Exchange exchange, String name) {
        Object value = exchange.getMessage().getHeader(name);
        if (value instanceof List<?> list) {
            return list.isEmpty() ? null : String.valueOf(list.get(list.size() - 1));
        }
        return value == null ? null : value.toString();
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

    public static Instant instantParam(Exchange exchange, String name) {
        String text = param(exchange, name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badParam(name, name + " must be an RFC 3339 time");
        }
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
