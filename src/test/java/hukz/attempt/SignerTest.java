package hukz.attempt;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignerTest {
    private static final String BODY = "{\"id\":\"msg_1\",\"payload\":{\"text\":\"héllo ✓\"}}";

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(String.valueOf(timestamp)),
                "webhook-signature", List.of(signature));
    }

    private static String secretOf(int bytes, int fill) {
        byte[] key = new byte[bytes];
        java.util.Arrays.fill(key, (byte) fill);
        return Signer.PREFIX + Base64.getEncoder().encodeToString(key);
    }

    @Test
    void signatureVerifiesWithTheStandardWebhooksLibrary() throws Exception {
        String secret = Signer.newSecret();
        long now = Instant.now().getEpochSecond();
        String signature = Signer.sign(List.of(secret), "msg_1", now, BODY);

        assertThat(signature).startsWith("v1,").doesNotContain(" ");
        new Webhook(secret).verify(BODY, headers("msg_1", now, signature));
    }

    @Test
    void aKeptKeyedMacSignsEveryMessageAfreshAndNonAsciiBodiesVerify() throws Exception {
        String secret = Signer.newSecret();
        long now = Instant.now().getEpochSecond();
        for (String body : List.of(BODY, "{\"name\":\"Zoë ☃ 𝄞\"}", BODY, "")) {
            // the same secret on the same thread: one Mac, reset by each signature
            String signature = Signer.sign(List.of(secret), "msg_" + body.length(), now, body);
            new Webhook(secret).verify(body, headers("msg_" + body.length(), now, signature));
        }
    }

    @Test
    void signatureIsHmacSha256OfIdTimestampBodyWithTheDecodedKey() throws Exception {
        String secret = secretOf(32, 7);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal(("msg_1.1700000000." + BODY).getBytes(StandardCharsets.UTF_8)));

        assertThat(Signer.sign(List.of(secret), "msg_1", 1_700_000_000L, BODY)).isEqualTo(expected);
    }

    @Test
    void signatureDoesNotVerifyForAnotherBodyIdOrKey() {
        String secret = Signer.newSecret();
        long now = Instant.now().getEpochSecond();
        String signature = Signer.sign(List.of(secret), "msg_1", now, BODY);

        assertThatThrownBy(() -> new Webhook(secret).verify(BODY + " ", headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(secret).verify(BODY, headers("msg_2", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(Signer.newSecret()).verify(BODY, headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void everySecretSignsSpaceSeparatedAndEachVerifiesAlone() throws Exception {
        String current = Signer.newSecret();
        String previous = Signer.newSecret();
        long now = Instant.now().getEpochSecond();
        String header = Signer.sign(List.of(current, previous), "msg_1", now, BODY);

        String[] parts = header.split(" ");
        assertThat(parts).hasSize(2);
        new Webhook(current).verify(BODY, headers("msg_1", now, parts[0]));
        new Webhook(previous).verify(BODY, headers("msg_1", now, parts[1]));
        assertThatThrownBy(() -> new Webhook(current).verify(BODY, headers("msg_1", now, parts[1])))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(previous).verify(BODY, headers("msg_1", now, parts[0])))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void newSecretsAreValidAndDistinct() {
        String a = Signer.newSecret();
        String b = Signer.newSecret();
        assertThat(Signer.isValidSecret(a)).isTrue();
        assertThat(a).startsWith("whsec_").isNotEqualTo(b);
        assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
    }

    @Test
    void secretIsWhsecAndBase64Of24To64Bytes() {
        assertThat(Signer.isValidSecret(secretOf(24, 1))).isTrue();
        assertThat(Signer.isValidSecret(secretOf(64, 1))).isTrue();
        assertThat(Signer.isValidSecret(secretOf(23, 1))).isFalse();
        assertThat(Signer.isValidSecret(secretOf(65, 1))).isFalse();
        assertThat(Signer.isValidSecret(secretOf(32, 1).substring(6))).isFalse();
        assertThat(Signer.isValidSecret("whsec_" + "!".repeat(40))).isFalse();
        assertThat(Signer.isValidSecret("whsec_")).isFalse();
        assertThat(Signer.isValidSecret("WHSEC_" + secretOf(32, 1).substring(6))).isFalse();
        assertThat(Signer.isValidSecret(null)).isFalse();
    }
}
