package hukz.attempt;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps webhooks off the operator's own network: which URLs are acceptable at all, and which addresses
 * hukz must not connect to when private addresses are not allowed.
 */
public final class UrlGuard {
    public static final int MAX_URL_LENGTH = 2048;
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|\\d+)(\\.(0x[0-9a-f]*|\\d+))*\\.?", Pattern.CASE_INSENSITIVE);

    private final boolean allowPrivate;

    public UrlGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /** Why the URL is not an acceptable webhook URL, or null when it is. Checks syntax, then (if guarded) the address. */
    public String problem(String url) {
        String syntax = syntaxProblem(url);
        if (syntax != null || allowPrivate) {
            return syntax;
        }
        String host = hostOf(url).toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
        if (host.contains("%")) {
            return "url host is a scoped IPv6 address (zone id)";
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return "url host resolves to a loopback address";
        }
        if (NUMERIC_HOST.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            return "url host is an IP address in a non-standard form";
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                String why = forbidden(address);
                if (why != null) {
                    return "url host resolves to a " + why + " address";
                }
            }
        } catch (UnknownHostException e) {
            // Not resolvable now proves nothing either way; every attempt checks again after resolving.
            return null;
        }
        return null;
    }

    /** Absolute http(s) URL with a host, no user info, at most 2048 characters; null when fine. */
    public static String syntaxProblem(String url) {
        if (url == null || url.isBlank()) {
            return "url is required";
        }
        if (url.length() > MAX_URL_LENGTH) {
            return "url is longer than " + MAX_URL_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "url is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            return "url must be an absolute http or https URL";
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            return "url must not contain user information";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "url must have a host";
        }
        return null;
    }

    static String hostOf(String url) {
        String host = URI.create(url).getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host;
    }

    /** The kind of forbidden address this is (loopback, private, ...), or null when it is public. */
    public String forbidden(InetAddress address) {
        if (allowPrivate) {
            return null;
        }
        return classify(address);
    }

    /**
     * Why the address is not globally routable, or null when it is. Follows the IANA IPv4 and IPv6
     * special-purpose address registries: everything they list as not globally reachable, the documentation
     * and benchmarking ranges, and the translation and tunnel forms whose embedded IPv4 address could point
     * back inside (checked where the form is routable, refused where it is not).
     */
    public static String classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address v6) {
            if (v6.getScopeId() != 0 || v6.getScopedInterface() != null) {
                return "scoped (zone id)";
            }
            return classifyV6(b);
        }
        return classifyV4(b);
    }

    private static String classifyV6(byte[] b) {
        int w0 = word(b, 0);
        int w1 = word(b, 1);
        if (isZero(b, 0, 15) && (b[15] == 0 || b[15] == 1)) {
            return b[15] == 0 ? "unspecified" : "loopback";
        }
        if ((w0 & 0xff00) == 0xff00) {
            return "multicast";
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return "link-local";
        }
        if ((w0 & 0xfe00) == 0xfc00 || (w0 & 0xffc0) == 0xfec0) {
            return "private";
        }
        if (w0 == 0x2002) {
            // 6to4: the IPv4 address in bits 16..47 is where the packets go.
            String v4 = classifyV4(new byte[]{b[2], b[3], b[4], b[5]});
            return v4 == null ? null : "6to4 (" + v4 + ")";
        }
        if (w0 == 0x2001 && w1 < 0x0200) {
            // 2001::/23 (IETF protocol assignments, Teredo 2001::/32 among them).
            return w1 == 0 ? "Teredo" : "reserved";
        }
        if (w0 == 0x2001 && w1 == 0x0db8 || (w0 & 0xfff0) == 0x3ff0) {
            return "documentation";
        }
        if ((w0 & 0xe000) != 0x2000) {
            // Outside 2000::/3 nothing is global unicast: ::/96 IPv4-compatible, ::ffff:0:0/96 IPv4-mapped,
            // ::ffff:0:0:0/96 IPv4-translated, 64:ff9b::/96 and 64:ff9b:1::/48 NAT64, 100::/64 discard, 5f00::/16 SRv6.
            return isZero(b, 0, 10) || w0 == 0x0064 && w1 == 0xff9b ? "IPv4-embedding" : "reserved";
        }
        return null;
    }

    private static int word(byte[] b, int index) {
        return (b[2 * index] & 0xff) << 8 | b[2 * index + 1] & 0xff;
    }

    /** The IANA IPv4 special-purpose registry's not-globally-reachable blocks, plus multicast and broadcast. */
    static String classifyV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 0) {
            return "unspecified";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || a0 == 172 && a1 >= 16 && a1 <= 31 || a0 == 192 && a1 == 168) {
            return "private";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return "shared (CGNAT)";
        }
        if (a0 == 192 && a1 == 0 && a2 == 2 || a0 == 198 && a1 == 51 && a2 == 100 || a0 == 203 && a1 == 0 && a2 == 113) {
            return "documentation";
        }
        if (a0 == 198 && (a1 == 18 || a1 == 19)) {
            return "benchmarking";
        }
        if (a0 == 192 && a1 == 0 && a2 == 0 || a0 == 192 && a1 == 88 && a2 == 99) {
            return "reserved";
        }
        if (a0 >= 224) {
            return a0 < 240 ? "multicast" : "reserved";
        }
        return null;
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
