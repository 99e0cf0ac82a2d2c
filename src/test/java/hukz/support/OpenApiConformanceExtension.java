package hukz.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Registered for every test class (src/test/resources/META-INF/services, junit-platform.properties): after the class,
 * every API response it received must match /openapi.json, else the class fails naming each mismatch.
 */
public final class OpenApiConformanceExtension implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        ApiConformance.drain();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> problems = ApiConformance.problems(ApiConformance.drain());
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " API response(s) do not match /openapi.json:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(problems.size(), 30))));
        }
    }
}
