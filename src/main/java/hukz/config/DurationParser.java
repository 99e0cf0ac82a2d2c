package hukz.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations such as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 5d} and comma-separated lists of them. */
public final class DurationParser {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private DurationParser() {
    }

    public static Duration parse(String key, String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException("invalid value for " + key + ": '" + text + "' (expected a duration such as 500ms, 5s, 2m, 1h or 5d)");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (d.isZero()) {
            throw new ConfigException("invalid value for " + key + ": '" + text + "' (must be greater than zero)");
        }
        return d;
    }

    public static List<Duration> parseList(String key, String text) {
        List<Duration> list = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            list.add(parse(key, part));
        }
        return List.copyOf(list);
    }
}
