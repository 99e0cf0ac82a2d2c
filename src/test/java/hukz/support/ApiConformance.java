package hukz.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every response the API tests receive through {@link Api}, checked against the /openapi.json of the server that
 * sent it (swagger-request-validator): status documented for the route, body of the documented schema. Requests to
 * paths or methods the document does not have (unknown paths, 405s) have nothing to be checked against and are
 * left out. {@link OpenApiConformanceExtension} runs the check at the end of every test class.
 */
public final class ApiConformance {
    /** Validator keys meaning "this request is not one of the API's operations". */
    private static final Set<String> NOT_AN_OPERATION = Set.of(
            "validation.request.path.missing", "validation.request.operation.notAllowed");
    private static final List<Recorded> RECORDED = new ArrayList<>();
    private static final Map<String, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiConformance() {
    }

    public record Recorded(String base, String method, String path, int status, String contentType, String body) {
        @Override
        public String toString() {
            return method + " " + path + " -> " + status;
        }
    }

    /** Called by {@link Api} for each response; the server's document is fetched with its first one. */
    static void record(String base, String method, String pathAndQuery, int status, String contentType, String body) {
        int query = pathAndQuery.indexOf('?');
        String path = pathAndQuery.substring(0, query < 0 ? pathAndQuery.length() : query);
        synchronized (RECORDED) {
            RECORDED.add(new Recorded(base, method, path, status, contentType, body));
        }
        VALIDATORS.computeIfAbsent(base, ApiConformance::fetchValidator);
    }

    /** The responses recorded since the last call. */
    public static List<Recorded> drain() {
        synchronized (RECORDED) {
            List<Recorded> all = new ArrayList<>(RECORDED);
            RECORDED.clear();
            return all;
        }
    }

    /** One line per response that does not match its route's documented answers. */
    public static List<String> problems(List<Recorded> responses) {
        List<String> problems = new ArrayList<>();
        for (Recorded r : responses) {
            List<String> own = problemsOf(r);
            if (own != null) {
                problems.addAll(own);
            }
        }
        return problems;
    }

    /**
     * What is wrong with one response (empty when it matches), or null when it cannot be checked: no document from
     * its server, or its request is not one of the document's operations.
     */
    public static List<String> problemsOf(Recorded r) {
        OpenApiInteractionValidator validator = VALIDATORS.get(r.base());
        Request.Method method = method(r.method());
        if (validator == null || method == null) {
            return null;
        }
        SimpleResponse.Builder response = SimpleResponse.Builder.status(r.status()).withBody(r.body());
        if (r.contentType() != null) {
            response.withContentType(r.contentType());
        }
        ValidationReport report = validator.validateResponse(decode(r.path()), method, response.build());
        List<ValidationReport.Message> messages = report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR).toList();
        if (messages.stream().anyMatch(m -> NOT_AN_OPERATION.contains(m.getKey()))) {
            return null;
        }
        return messages.stream().map(m -> r + ": " + m.getKey() + " " + m.getMessage() + " body: " + abbreviate(r.body())).toList();
    }

    /** The most recent response recorded for this method and path (query left out). */
    public static Recorded last(String method, String pathAndQuery) {
        int query = pathAndQuery.indexOf('?');
        String path = pathAndQuery.substring(0, query < 0 ? pathAndQuery.length() : query);
        synchronized (RECORDED) {
            for (int i = RECORDED.size() - 1; i >= 0; i--) {
                Recorded r = RECORDED.get(i);
                if (r.method().equals(method) && r.path().equals(path)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no response recorded for " + method + " " + pathAndQuery);
    }

    /** The validator of the document served at {@code base}, or null while none can be had (the next response tries again). */
    static OpenApiInteractionValidator fetchValidator(String base) {
        try {
            HttpResponse<String> doc = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/openapi.json"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (doc.statusCode() != 200) {
                return null;
            }
            return OpenApiInteractionValidator.createForInlineApiSpecification(doc.body()).build();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Request.Method method(String name) {
        try {
            return Request.Method.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException notHttp) {
            return null;
        }
    }

    private static String decode(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return path;
        }
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
