package hukz.bench.baseline;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Standard Webhooks signatures ({@code v1,base64(HMAC-SHA256(secret, id.timestamp.body))}) for one secret,
 * without the per-call {@code Mac.getInstance} of the reference library: one initialised {@code Mac} per thread,
 * cloned from a prototype. The bench's receiver checks them with the reference library.
 */
final class Signer {
    private static final String PREFIX = "whsec_";
    private final ThreadLocal<Mac> mac;

    Signer(String secret) {
        byte[] key = Base64.getDecoder().decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
        Mac prototype;
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable webhook secret", e);
        }
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    String sign(String messageId, long timestamp, byte[] body) {
        Mac m = mac.get();
        m.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(m.doFinal(body));
    }
}
