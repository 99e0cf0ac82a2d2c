package hukz.config;

/** A configuration problem that stops start-up; its message is the one line the user sees. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
