package hukz.attempt;

import org.apache.hc.core5.http.Header;

/** What came back from a receiver: status, headers, and at most the body limit of its body. */
record DeliveryResponse(int status, Header[] headers, byte[] body) {
}
