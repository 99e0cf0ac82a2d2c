package hukz.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * GET /docs: Swagger UI (the org.webjars:swagger-ui WebJar, served from the class path) on /openapi.json. Only plain
 * file names of the WebJar's own folder are served, so a path can never reach another resource.
 */
public final class ApiDocs {
    private static final String PAGE = "hukz/docs/index.html";
    private static final String OWN_SCRIPT = "hukz-docs.js";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String HTML = "text/html; charset=utf-8";
    /** What the page loads; the WebJar's own pages (its demo index.html) are not served. */
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png");
    private final String webJar;

    public ApiDocs() {
        this.webJar = "META-INF/resources/webjars/swagger-ui/" + webJarVersion() + "/";
    }

    public void page(Exchange exchange) {
        write(exchange, PAGE, HTML);
    }

    public void file(Exchange exchange) {
        String name = ApiRequest.pathParam(exchange, "file");
        if (name == null || !FILE_NAME.matcher(name).matches() || name.contains("..")) {
            throw ApiException.notFound();
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        if (!TYPES.containsKey(extension)) {
            throw ApiException.notFound();
        }
        write(exchange, name.equals(OWN_SCRIPT) ? "hukz/docs/" + OWN_SCRIPT : webJar + name, TYPES.get(extension));
    }

    private static void write(Exchange exchange, String resource, String contentType) {
        byte[] bytes = read(resource);
        if (bytes == null) {
            throw ApiException.notFound();
        }
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, contentType);
        m.setBody(bytes);
    }

    private static byte[] read(String resource) {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WebJar's version from its own Maven metadata, so upgrading the dependency is the only change needed. */
    private static String webJarVersion() {
        byte[] pom = read("META-INF/maven/org.webjars/swagger-ui/pom.properties");
        if (pom == null) {
            throw new IllegalStateException("the org.webjars:swagger-ui WebJar is not on the class path");
        }
        Properties p = new Properties();
        try {
            p.load(new java.io.ByteArrayInputStream(pom));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }
}
