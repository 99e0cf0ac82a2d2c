package hukz.attempt;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/** Standard Webhooks secrets and signatures (the standardwebhooks library does the HMAC). */
public final class Signer {
    public static final String PREFIX = "whsec_";
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signer() {
    }

    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** A valid secret is {@code whsec_} and the base64 of 24 to 64 bytes. */
    public static boolean isValidSecret(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return false;
        }
        String encoded = secret.substring(PREFIX.length());
        if (!BASE64.matcher(encoded).matches()) {
            return false;
        }
        try {
            int length = Base64.getDecoder().decode(encoded).length;
            return length >= 24 && length <= 64;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The {@code webhook-signature} header: one {@code v1,} signature per secret, space-separated. */
    public static String sign(List<String> secrets, String messageId, long timestampSeconds, String body) {
        StringBuilder header = new StringBuilder();
        for (String secret : secrets) {
            try {
                if (!header.isEmpty()) {
                    header.append(' ');
                }
                header.append(new Webhook(secret).sign(messageId, timestampSeconds, body));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("cannot sign delivery " + messageId, e);
            }
        }
        return header.toString();
    }
}
