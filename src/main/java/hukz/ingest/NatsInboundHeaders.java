package hukz.ingest;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which headers of a NATS message camel-nats may copy onto the exchange: only those hukz reads
 * ({@code Nats-Msg-Id}, {@code Hukz-Tag}). camel-nats sets {@code CamelNatsSubject} from the message itself and
 * then copies the message's own headers over the exchange's; without this filter a publisher sending a header
 * {@code CamelNatsSubject} (in any case) would choose the event its message is delivered as.
 */
public final class NatsInboundHeaders implements HeaderFilterStrategy {
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return false;
    }

    /** True filters the header out. */
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !(Ingest.MSG_ID_HEADER.equalsIgnoreCase(headerName) || Ingest.TAG_HEADER.equalsIgnoreCase(headerName));
    }
}
