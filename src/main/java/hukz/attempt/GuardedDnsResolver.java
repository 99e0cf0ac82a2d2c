package hukz.attempt;

import org.apache.hc.client5.http.SystemDefaultDnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The HTTP client's resolver: it resolves once and refuses forbidden addresses, so the address checked is
 * the address connected to and DNS rebinding has no window.
 */
public final class GuardedDnsResolver extends SystemDefaultDnsResolver {
    public static final String REFUSED = "refused: ";
    private final UrlGuard guard;

    public GuardedDnsResolver(UrlGuard guard) {
        this.guard = guard;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = super.resolve(host);
        for (InetAddress address : addresses) {
            String why = guard.forbidden(address);
            if (why != null) {
                throw new UnknownHostException(REFUSED + host + " resolves to a " + why + " address");
            }
        }
        return addresses;
    }
}
