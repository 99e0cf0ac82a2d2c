package hukz.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * hukz's settings after precedence (environment, config file, default) and validation. A malformed value
 * stops start-up with a {@link ConfigException} naming the key.
 */
public record HukzConfig(
        boolean production,
        String databaseHost, int databasePort, String databaseUser, String databasePassword,
        String databaseName, String databaseSslMode,
        String natsUrl, String natsUserName, String natsUserPassword,
        String queueGroup, int serverPort, String natsSubject, String natsStream,
        List<Duration> retrySchedule, Duration deliveryTimeout, int logRetentionDays,
        boolean allowPrivateUrls, String apiToken, int ingestBuffer,
        int maxInFlight, int circuitFailures, Duration circuitCooldown, Duration disableAfter, String operatorSubjectPrefix) {

    public static final String EMBEDDED = "embedded";
    public static final String DEFAULT_RETRY_SCHEDULE = "5s,30s,2m,10m,30m,1h,3h,6h";
    private static final Pattern SUBJECT = Pattern.compile("[^\\s]{1,255}");
    /** Operator event subjects are this prefix + {@code webhook.disabled} etc.: NATS tokens ending in a dot. */
    private static final Pattern SUBJECT_PREFIX = Pattern.compile("([A-Za-z0-9_-]+\\.){1,10}");
    private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public static HukzConfig load(Path root) {
        return from(ConfigSource.read(root, System.getenv()));
    }

    public static HukzConfig from(Map<String, String> raw) {
        Values v = new Values(raw);
        String mode = v.text("mode", "development").toLowerCase(Locale.ROOT);
        if (!mode.equals("development") && !mode.equals("production")) {
            throw new ConfigException("invalid value for mode: '" + mode + "' (expected development or production)");
        }
        boolean production = mode.equals("production");
        String databaseHost = v.text("database_host", EMBEDDED);
        String natsUrl = v.text("nats_url", EMBEDDED);
        if (production && databaseHost.equals(EMBEDDED)) {
            throw new ConfigException("missing required key database_host (production mode has no embedded database)");
        }
        if (production && natsUrl.equals(EMBEDDED)) {
            throw new ConfigException("missing required key nats_url (production mode has no embedded NATS)");
        }
        if (!natsUrl.equals(EMBEDDED) && !natsUrl.matches("(?i)(nats|tls|ws|wss)://\\S+(,\\s*(nats|tls|ws|wss)://\\S+)*")) {
            throw new ConfigException("invalid value for nats_url: expected nats://host:port");
        }
        String sslMode = v.text("database_ssl_mode", "disable").toLowerCase(Locale.ROOT);
        if (!SSL_MODES.contains(sslMode)) {
            throw new ConfigException("invalid value for database_ssl_mode: '" + sslMode + "' (expected one of " + SSL_MODES + ")");
        }
        String subject = v.text("nats_subject", ">");
        if (!SUBJECT.matcher(subject).matches()) {
            throw new ConfigException("invalid value for nats_subject: '" + subject + "'");
        }
        String stream = v.text("nats_stream", "");
        if (!stream.isEmpty() && !stream.matches("[A-Za-z0-9_-]{1,255}")) {
            throw new ConfigException("invalid value for nats_stream: '" + stream + "' (letters, digits, - and _ only)");
        }
        String queueGroup = v.text("queue_group", "hukz");
        if (!queueGroup.matches("[A-Za-z0-9_.-]{1,255}")) {
            throw new ConfigException("invalid value for queue_group: '" + queueGroup + "'");
        }
        return new HukzConfig(
                production,
                databaseHost, v.integer("database_port", 5432, 1, 65535),
                v.text("database_user", "postgres"), v.text("database_password", ""),
                v.text("database_name", "hukz"), sslMode,
                natsUrl, v.text("nats_user_name", ""), v.text("nats_user_password", ""),
                queueGroup, v.integer("server_port", 8000, 1, 65535), subject, stream,
                DurationParser.parseList("retry_schedule", v.text("retry_schedule", DEFAULT_RETRY_SCHEDULE)),
                DurationParser.parse("delivery_timeout", v.text("delivery_timeout", "15s")),
                v.integer("log_retention_days", 30, 1, 36500),
                v.bool("allow_private_urls", !production),
                v.text("api_token", ""),
                v.integer("ingest_buffer", 100_000, 1, 10_000_000),
                v.integer("max_in_flight", 16, 1, 1000),
                v.integer("circuit_failures", 5, 1, 1000),
                DurationParser.parse("circuit_cooldown", v.text("circuit_cooldown", "30s")),
                disableAfter(v.text("disable_after", "5d")),
                operatorSubjectPrefix(raw));
    }

    /** {@code 0} means never. */
    private static Duration disableAfter(String text) {
        return text.equals("0") ? Duration.ZERO : DurationParser.parse("disable_after", text);
    }

    /** Set but empty turns operator events off, so an empty value is not the default here. */
    private static String operatorSubjectPrefix(Map<String, String> raw) {
        String value = raw.get("operator_subject_prefix");
        if (value == null) {
            return "hukz.";
        }
        String prefix = value.trim();
        if (!prefix.isEmpty() && !SUBJECT_PREFIX.matcher(prefix).matches()) {
            throw new ConfigException("invalid value for operator_subject_prefix: '" + prefix
                    + "' (expected NATS subject tokens ending in a dot, such as hukz.)");
        }
        return prefix;
    }

    public boolean embeddedDatabase() {
        return databaseHost.equals(EMBEDDED);
    }

    public boolean embeddedNats() {
        return natsUrl.equals(EMBEDDED);
    }

    /** One line for the start-up log: every setting but the secrets. */
    public String summary() {
        return "mode=" + (production ? "production" : "development")
                + " database=" + (embeddedDatabase() ? EMBEDDED : databaseHost + ":" + databasePort + "/" + databaseName)
                + " nats=" + (embeddedNats() ? EMBEDDED : Redact.credentials(natsUrl))
                + " subject=" + natsSubject + " queue_group=" + queueGroup
                + (natsStream.isEmpty() ? "" : " stream=" + natsStream)
                + " server_port=" + serverPort + " delivery_timeout=" + deliveryTimeout.toMillis() + "ms"
                + " retries=" + retrySchedule.size() + " allow_private_urls=" + allowPrivateUrls
                + " api_token=" + (apiToken.isEmpty() ? "off" : "on") + " ingest_buffer=" + ingestBuffer
                + " max_in_flight=" + maxInFlight + " circuit_failures=" + circuitFailures
                + " circuit_cooldown=" + circuitCooldown.toMillis() + "ms"
                + " disable_after=" + (disableAfter.isZero() ? "never" : disableAfter.toMillis() + "ms")
                + " operator_subject_prefix=" + (operatorSubjectPrefix.isEmpty() ? "off" : operatorSubjectPrefix);
    }

    @Override
    public String toString() {
        return "HukzConfig[" + summary() + "]";
    }

    private record Values(Map<String, String> raw) {
        String text(String key, String fallback) {
            String value = raw.get(key);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        int integer(String key, int fallback, int min, int max) {
            String value = raw.get(key);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ConfigException("invalid value for " + key + ": '" + value + "' (expected an integer from " + min + " to " + max + ")");
        }

        boolean bool(String key, boolean fallback) {
            String value = raw.get(key);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new ConfigException("invalid value for " + key + ": '" + value + "' (expected true or false)");
            };
        }
    }
}
