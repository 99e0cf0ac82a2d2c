package hukz.api;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Values of a webhook's credential-like headers never leave hukz once stored: responses show {@link #MASK}
 * instead (as Svix does), and a replace that sends {@link #MASK} back keeps the stored value. The mask uses a
 * character no header value may contain, so it can never be taken for a real value.
 */
public final class HeaderMask {
    public static final String MASK = "\u2022\u2022\u2022\u2022\u2022\u2022";
    private static final String[] CREDENTIAL_WORDS = {"token", "key", "secret", "password", "cookie", "auth"};

    private HeaderMask() {
    }

    /** Authorization, Proxy-Authorization, and any name containing token, key, secret, password, cookie or auth. */
    public static boolean isCredential(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : CREDENTIAL_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    public static Map<String, String> masked(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> out.put(name, isCredential(name) ? MASK : value));
        return out;
    }

    /**
     * The headers to store when a replace sends {@code given}: a credential header given as {@link #MASK} keeps
     * the stored value of the same name (names compared case-insensitively); a mask with nothing stored is 422.
     */
    public static Map<String, String> restore(Map<String, String> given, Map<String, String> stored) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : given.entrySet()) {
            String value = h.getValue();
            if (MASK.equals(value) && isCredential(h.getKey())) {
                value = stored.entrySet().stream().filter(s -> s.getKey().equalsIgnoreCase(h.getKey()))
                        .map(Map.Entry::getValue).findFirst()
                        .orElseThrow(() -> ApiException.invalidField("headers",
                                "header '" + h.getKey() + "' is masked but has no stored value to keep"));
            }
            out.put(h.getKey(), value);
        }
        return out;
    }
}
