package hukz.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain HTTP client of the hukz API, as a user would call it. Every response is also handed to
 * {@link ApiConformance}, which checks it against /openapi.json at the end of the test class.
 */
public final class Api {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(String base) {
        this.base = base;
    }

    public record Response(int status, String text, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text, e);
            }
        }

        public long id() {
            return json().get("id").asLong();
        }
    }

    public String base() {
        return base;
    }

    public Response get(String path) {
        return send("GET", path, null, "X-User", "1");
    }

    public Response post(String path, String body) {
        return send("POST", path, body, "X-User", "1", "Content-Type", "application/json");
    }

    public Response put(String path, String body) {
        return send("PUT", path, body, "X-User", "1", "Content-Type", "application/json");
    }

    public Response delete(String path) {
        return send("DELETE", path, null, "X-User", "1");
    }

    /** Any request; {@code headers} are name, value pairs. */
    public Response send(String method, String path, String body, String... headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    public Response sendBytes(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            ApiConformance.record(base, method, path, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Sends only the head of a request announcing a body of {@code contentLength} bytes, and reads the answer:
     * for a server that must refuse a body without reading it (a client sending it could not read the answer
     * once the server has closed the connection).
     */
    public Response sendHeadOnly(String method, String path, long contentLength, String... headers) {
        URI uri = URI.create(base + path);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":"
                    + uri.getPort() + "\r\nContent-Length: " + contentLength + "\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            java.util.Map<String, List<String>> fields = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            int status = 0;
            int bodyStart = -1;
            long bodyLength = -1;
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                raw.write(buffer, 0, n);
                String text = raw.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
                if (bodyStart < 0 && text.contains("\r\n\r\n")) {
                    bodyStart = text.indexOf("\r\n\r\n") + 4;
                    String[] lines = text.substring(0, bodyStart - 4).split("\r\n");
                    status = Integer.parseInt(lines[0].split(" ")[1]);
                    for (int i = 1; i < lines.length; i++) {
                        int colon = lines[i].indexOf(':');
                        fields.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
                    }
                    bodyLength = fields.containsKey("content-length") ? Long.parseLong(fields.get("content-length").get(0)) : -1;
                }
                if (bodyStart >= 0 && bodyLength >= 0 && raw.size() - bodyStart >= bodyLength) {
                    break;
                }
            }
            if (bodyStart < 0) {
                throw new AssertionError(method + " " + path + ": no answer to the request head");
            }
            byte[] all = raw.toByteArray();
            String body = new String(all, bodyStart, all.length - bodyStart, java.nio.charset.StandardCharsets.UTF_8);
            return new Response(status, body, java.net.http.HttpHeaders.of(fields, (a, b) -> true));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** Creates an event and returns its id. */
    public long createEvent(String subject) {
        Response r = post("/events", "{\"name\":\"" + subject + "\",\"event\":\"" + subject + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("create event: " + r.status() + " " + r.text());
        }
        return r.id();
    }

    /** Creates a webhook to {@code url} for the events and returns its JSON. */
    public JsonNode createWebhook(String url, long... eventIds) {
        return createWebhook("{\"name\":\"test\",\"url\":\"" + url + "\",\"event_ids\":" + ids(eventIds) + "}");
    }

    public JsonNode createWebhook(String json) {
        Response r = post("/webhooks", json);
        if (r.status() != 201) {
            throw new AssertionError("create webhook: " + r.status() + " " + r.text());
        }
        return r.json();
    }

    public String secret(long webhookId) {
        return get("/webhooks/" + webhookId + "/secret").json().get("key").asText();
    }

    public static String ids(long... ids) {
        List<String> parts = new ArrayList<>();
        for (long id : ids) {
            parts.add(String.valueOf(id));
        }
        return "[" + String.join(",", parts) + "]";
    }

    void awaitReady() {
        awaitReady(() -> true);
    }

    /** Waits for /health/ready to answer 200, while {@code alive} holds (a process that exits fails at once). */
    void awaitReady(java.util.function.BooleanSupplier alive) {
        awaitReady(alive, Duration.ofSeconds(30));
    }

    /** As {@link #awaitReady(java.util.function.BooleanSupplier)}, waiting at most {@code within}. */
    void awaitReady(java.util.function.BooleanSupplier alive, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new AssertionError("hukz at " + base + " exited before it was ready");
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // keep waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("hukz at " + base + " not ready within " + within);
    }
}
