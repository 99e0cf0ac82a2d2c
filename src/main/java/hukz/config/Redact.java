package hukz.config;

import java.util.regex.Pattern;

/** Takes credentials out of text that may be printed: user info in URLs ({@code nats://user:pass@host}, tokens). */
public final class Redact {
    private static final Pattern USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s\\[\\]]*@");

    private Redact() {
    }

    /** The text with every URL's user information replaced by {@code ***}. */
    public static String credentials(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1***@");
    }
}
