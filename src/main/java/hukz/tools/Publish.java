package hukz.tools;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal NATS publisher for trying hukz out:
 * {@code java -cp target/hukz.jar hukz.tools.Publish [-s nats://host:port] [-H Name:value]... SUBJECT [BODY]}.
 */
public final class Publish {
    private Publish() {
    }

    public static void main(String[] args) throws Exception {
        String server = "nats://127.0.0.1:4222";
        Headers headers = new Headers();
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            if (args[i].equals("-s") && i + 1 < args.length) {
                server = args[i + 1];
            } else if (args[i].equals("-H") && i + 1 < args.length) {
                String[] kv = args[i + 1].split(":", 2);
                headers.add(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
            } else {
                usage();
            }
            i += 2;
        }
        if (i >= args.length) {
            usage();
        }
        String subject = args[i];
        String body = i + 1 < args.length ? args[i + 1] : "";
        try (Connection nc = Nats.connect(server)) {
            nc.publish(NatsMessage.builder().subject(subject).headers(headers.isEmpty() ? null : headers)
                    .data(body.getBytes(StandardCharsets.UTF_8)).build());
            nc.flush(Duration.ofSeconds(5));
        }
        System.out.println("published to " + subject);
    }

    private static void usage() {
        System.err.println("usage: Publish [-s nats://host:port] [-H Name:value]... SUBJECT [BODY]");
        System.exit(2);
    }
}
