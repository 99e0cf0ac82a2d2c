package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed reads of request-body fields; a field of the wrong type or size is a 422 naming it. */
final class Fields {
    private Fields() {
    }

    static String text(JsonNode body, String field, int maxLength, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiException.invalidField(field, field + " is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalidField(field, field + " must be a string");
        }
        String value = node.textValue();
        if (required && value.isBlank()) {
            throw ApiException.invalidField(field, field + " is required");
        }
        if (value.length() > maxLength) {
            throw ApiException.invalidField(field, field + " must be at most " + maxLength + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw ApiException.invalidField(field, field + " must not contain NUL characters");
        }
        return value;
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw ApiException.invalidField(field, field + " must be true or false");
        }
        return node.booleanValue();
    }

    /** An integer from {@code min} to {@code max}; absent or null is {@code fallback}. */
    static Integer integer(JsonNode body, String field, int min, int max, Integer fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw ApiException.invalidField(field, field + " must be an integer from " + min + " to " + max);
        }
        return node.intValue();
    }

    /** An object of string to string, at most {@code maxPairs} pairs of at most 255 characters each; absent is empty. */
    static Map<String, String> stringMap(JsonNode body, String field, int maxPairs) {
        JsonNode node = body.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw ApiException.invalidField(field, field + " must be an object of strings");
        }
        if (node.size() > maxPairs) {
            throw ApiException.invalidField(field, field + " must have at most " + maxPairs + " entries");
        }
        var it = node.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw ApiException.invalidField(field, field + " values must be strings");
            }
            String key = e.getKey();
            String value = e.getValue().textValue();
            if (key.isEmpty() || key.length() > ApiRequest.MAX_TEXT || value.length() > ApiRequest.MAX_TEXT) {
                throw ApiException.invalidField(field, field + " keys must be 1 to 255 characters and values at most 255");
            }
            if (key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw ApiException.invalidField(field, field + " must not contain NUL characters");
            }
            map.put(key, value);
        }
        return map;
    }

    /** A non-empty array of positive integer ids. */
    static List<Long> ids(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.invalidField(field, field + " is required");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.invalidField(field, field + " must be a non-empty array of ids");
        }
        if (node.size() > 100) {
            throw ApiException.invalidField(field, field + " must have at most 100 ids");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.canConvertToLong() || !item.isIntegralNumber() || item.longValue() <= 0) {
                throw ApiException.invalidField(field, field + " must contain positive integer ids");
            }
            if (!ids.contains(item.longValue())) {
                ids.add(item.longValue());
            }
        }
        return ids;
    }
}
