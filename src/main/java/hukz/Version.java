package hukz;

/** hukz's version, sent as {@code User-Agent: hukz/<version>}. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {
    }
}
