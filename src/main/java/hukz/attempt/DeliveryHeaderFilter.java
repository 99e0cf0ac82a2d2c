package hukz.attempt;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

import java.util.Set;

/**
 * Which exchange headers an attempt sends: Camel's HTTP filter (no Camel* headers, none the HTTP client
 * owns such as Host, Content-Length, Connection), except that a webhook's own headers may also carry
 * Cache-Control, Date, Pragma, Via and Warning, which Camel's filter would silently drop.
 */
public final class DeliveryHeaderFilter extends HttpHeaderFilterStrategy {
    static final Set<String> WEBHOOK_MAY_SEND = Set.of("cache-control", "date", "pragma", "via", "warning");

    public DeliveryHeaderFilter() {
        getOutFilter().removeAll(WEBHOOK_MAY_SEND);
    }
}
