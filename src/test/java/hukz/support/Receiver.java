package hukz.support;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A real HTTP receiver on 127.0.0.1 that records every request and answers as told. */
public final class Receiver implements AutoCloseable {
    public record Request(String method, String path, Map<String, List<String>> headers, String body, long receivedAtMillis) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase());
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** Verifies the Standard Webhooks signature with the official library; throws when it does not hold. */
        public void verify(String secret) throws Exception {
            new Webhook(secret).verify(body, headers);
        }
    }

    public record Answer(int status, String body, Map<String, String> headers, Duration delay) {
        public static Answer ok() {
            return new Answer(200, "", Map.of(), Duration.ZERO);
        }

        public static Answer status(int status) {
            return new Answer(status, "", Map.of(), Duration.ZERO);
        }
    }

    /** Enough threads that the receiver never makes an attempt wait for one. */
    private static final int THREADS = 64;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> scripted = new ConcurrentLinkedQueue<>();
    private volatile Function<Request, Answer> fallback = r -> Answer.ok();

    public Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        } catch (IOException e) {
            pool.shutdown();
            throw new IllegalStateException(e);
        }
        server.setExecutor(pool);
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new HashMap<>();
            Headers h = exchange.getRequestHeaders();
            h.forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body,
                    System.currentTimeMillis());
            requests.add(request);
            Answer a = scripted.poll();
            if (a == null) {
                a = fallback.apply(request);
            }
            if (!a.delay().isZero()) {
                try {
                    Thread.sleep(a.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (IOException gone) {
                // the client gave up (timeout tests)
            }
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next answers, in order; after them the fallback answers. */
    public Receiver then(Answer... answers) {
        scripted.addAll(List.of(answers));
        return this;
    }

    public Receiver always(Function<Request, Answer> answer) {
        this.fallback = answer;
        return this;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public int count() {
        return requests.size();
    }

    @Override
    public void close() {
        server.stop(0);
        // answers that are still sleeping (timeout tests) are cut short; their client has given up anyway
        pool.shutdownNow();
    }
}
