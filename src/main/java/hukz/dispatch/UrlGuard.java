package hukz.dispatch;

import java.net.Inet4Address;
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

    public static String classify(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return classifyV4(b);
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return "private";
            }
            if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || isZero(b, 0, 12)) {
                // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) forms
                String v4 = classifyV4(new byte[]{b[12], b[13], b[14], b[15]});
                return v4 != null ? v4 : "IPv4-embedding";
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x02) {
                String v4 = classifyV4(new byte[]{b[2], b[3], b[4], b[5]});
                return v4 != null ? v4 : null;
            }
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return classifyV4(new byte[]{b[12], b[13], b[14], b[15]});
            }
        }
        return null;
    }

    private static String classifyV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
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
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0 || a0 == 198 && (a1 == 18 || a1 == 19)) {
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
