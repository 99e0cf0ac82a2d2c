package hukz.console;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web console (GET /console, /console/...) from the jar's class path, {@code hukz/console/}, with a
 * Content-Security-Policy that allows only the console's own scripts and styles and calls to its own origin.
 * Only plain file names with a known extension are served: nothing else in the class path or on disk is
 * reachable through here (Camel's own static file support would also serve the working directory, where
 * config.yml lives).
 */
public final class ConsoleFiles {
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final String ROOT = "hukz/console/";
    private static final Pattern NAME = Pattern.compile("(?:[a-z0-9-]+/)?[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public void serve(Exchange exchange) {
        String path = path(exchange);
        String name = path.equals("/console") || path.equals("/console/") ? "index.html"
                : path.startsWith("/console/") ? path.substring("/console/".length()) : "";
        var match = NAME.matcher(name);
        byte[] body = match.matches() ? read(name) : null;
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader("Content-Security-Policy", CSP);
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setHeader("Referrer-Policy", "no-referrer");
        if (body == null) {
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            m.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            m.setBody("Not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, TYPES.get(match.group(1)));
        m.setBody(body);
    }

    private static String path(Exchange exchange) {
        if (exchange.getIn() instanceof HttpMessage http) {
            HttpServerRequest request = http.getRequest();
            return request.path();
        }
        return exchange.getIn().getHeader(Exchange.HTTP_PATH, "", String.class);
    }

    private byte[] read(String name) {
        byte[] cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
