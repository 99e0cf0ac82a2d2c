package hukz.attempt;

import org.apache.hc.client5.http.SystemDefaultDnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The HTTP client's resolver: it resolves once (the answer {@link HostLookups} keeps) and refuses forbidden
 * addresses, so the address checked is the address connected to and DNS rebinding has no window.
 */
public final class GuardedDnsResolver extends SystemDefaultDnsResolver {
    public static final String REFUSED = "refused: ";
    private final UrlGuard guard;
    private final HostLookups lookups;

    public GuardedDnsResolver(UrlGuard guard, HostLookups lookups) {
        this.guard = guard;
        this.lookups = lookups;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = lookups.resolve(host);
        for (InetAddress address : addresses) {
            String why = guard.forbidden(address);
            if (why != null) {
                throw new UnknownHostException(REFUSED + host + " resolves to a " + why + " address");
            }
        }
        return addresses;
    }
}
