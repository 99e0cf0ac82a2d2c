package hukz.attempt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryHeaderFilterTest {
    private final DeliveryHeaderFilter filter = new DeliveryHeaderFilter();

    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "webhook-signature", "User-Agent", "Authorization", "X-Api-Key", "Cache-Control",
            "Pragma", "Date", "Via", "Warning"})
    void sendsWebhookAndCustomHeaders(String name) {
        assertThat(filter.applyFilterToCamelHeaders(name, "v", null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CamelHttpUri", "CamelHttpMethod", "camelNatsSubject", "Host", "Content-Length", "Transfer-Encoding",
            "Connection", "Upgrade", "Content-Type"})
    void leavesOutCamelAndClientOwnedHeaders(String name) {
        assertThat(filter.applyFilterToCamelHeaders(name, "v", null)).isTrue();
    }
}
