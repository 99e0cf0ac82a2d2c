package hukz.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the raw configuration keys: environment {@code HUKZ_<KEY>} over the first config file found in the
 * project root ({@code config.yml}, {@code config.yaml}, {@code config.json}, {@code config.env}). Keys are
 * lower-cased, as the original reads them case-insensitively.
 */
public final class ConfigSource {
    private static final List<String> FILE_NAMES = List.of("config.yml", "config.yaml", "config.json", "config.env");

    private ConfigSource() {
    }

    public static Map<String, String> read(Path root, Map<String, String> env) {
        Map<String, String> values = new HashMap<>(readFile(root));
        env.forEach((name, value) -> {
            if (name.toUpperCase(Locale.ROOT).startsWith("HUKZ_") && name.length() > 5) {
                values.put(name.substring(5).toLowerCase(Locale.ROOT), value);
            }
        });
        return values;
    }

    static Map<String, String> readFile(Path root) {
        for (String name : FILE_NAMES) {
            Path file = root.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    return name.endsWith(".env") ? readEnvFile(file) : readTree(file, name.endsWith(".json"));
                } catch (IOException | RuntimeException e) {
                    throw new ConfigException("cannot read " + name + ": " + firstLine(e.getMessage()));
                }
            }
        }
        return Map.of();
    }

    private static Map<String, String> readTree(Path file, boolean json) throws IOException {
        ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root = mapper.readTree(file.toFile());
        Map<String, String> values = new HashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("cannot read " + file.getFileName() + ": expected a map of keys to values");
        }
        root.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (!value.isNull()) {
                values.put(field.getKey().toLowerCase(Locale.ROOT), value.isValueNode() ? value.asText() : value.toString());
            }
        });
        return values;
    }

    private static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("cannot read config.env: line without '=': " + trimmed.split("=")[0]);
            }
            String key = trimmed.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (key.startsWith("hukz_")) {
                key = key.substring(5);
            }
            values.put(key, unquote(trimmed.substring(eq + 1).trim()));
        }
        return values;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "malformed file";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
