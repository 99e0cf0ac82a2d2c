package hukz.tools;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal webhook receiver for trying hukz out: prints each POST and, given the webhook's secret, checks
 * its signature with the Standard Webhooks library.
 * {@code java -cp target/hukz.jar hukz.tools.Receive PORT [whsec_...]}.
 */
public final class Receive {
    private Receive() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Receive PORT [whsec_secret]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Webhook verifier = args.length > 1 ? new Webhook(args[1]) : null;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> {
                headers.put(k.toLowerCase(), v);
                out.append("  ").append(k).append(": ").append(String.join(", ", v)).append('\n');
            });
            out.append("  body: ").append(body).append('\n');
            if (verifier != null) {
                try {
                    verifier.verify(body, headers);
                    out.append("  signature: valid\n");
                } catch (Exception e) {
                    out.append("  signature: INVALID (").append(e.getMessage()).append(")\n");
                }
            }
            System.out.print(out);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("listening on http://127.0.0.1:" + port + "/");
    }
}
