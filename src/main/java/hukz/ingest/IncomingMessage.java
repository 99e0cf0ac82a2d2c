package hukz.ingest;

import java.util.List;

/**
 * A message taken from NATS, waiting to be stored. {@code onStored} runs once its deliveries are committed
 * (JetStream acks there), {@code onFailed} when they could not be (JetStream naks).
 */
public record IncomingMessage(String subject, byte[] data, String natsMessageId, List<String> tagHeaders,
                              Runnable onStored, Runnable onFailed) {
    private static final Runnable NOTHING = () -> { };

    public static IncomingMessage of(String subject, byte[] data, String natsMessageId, List<String> tagHeaders) {
        return new IncomingMessage(subject, data, natsMessageId, tagHeaders, NOTHING, NOTHING);
    }
}
