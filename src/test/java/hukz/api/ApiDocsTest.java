package hukz.api;

import hukz.support.Api;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /docs: Swagger UI from the WebJar, on /openapi.json, without X-User; nothing else is reachable through it. */
class ApiDocsTest {
    static TestHukz hukz;
    static Api api;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @Test
    void docsIsAnHtmlPageWhoseScriptsAndStylesAreAllServed() {
        Api.Response page = api.send("GET", "/docs", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(page.text()).contains("<div id=\"swagger-ui\">");
        List<String> assets = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"(/docs/[^\"]+)\"").matcher(page.text());
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).contains("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/hukz-docs.js");
        for (String asset : assets) {
            Api.Response r = api.send("GET", asset, null);
            assertThat(r.status()).as(asset).isEqualTo(200);
            assertThat(r.text()).as(asset).isNotEmpty();
            String type = r.headers().firstValue("content-type").orElse("");
            if (asset.endsWith(".js")) {
                assertThat(type).as(asset).startsWith("text/javascript");
            } else if (asset.endsWith(".css")) {
                assertThat(type).as(asset).startsWith("text/css");
            } else {
                assertThat(type).as(asset).startsWith("image/png");
            }
        }
        assertThat(api.send("GET", "/docs/swagger-ui-bundle.js", null).text()).contains("SwaggerUIBundle");
    }

    @Test
    void theExplorerLoadsHukzsOwnDocument() {
        String init = api.send("GET", "/docs/hukz-docs.js", null).text();
        assertThat(init).contains("SwaggerUIBundle(").contains("url: \"/openapi.json\"");
        assertThat(api.send("GET", "/openapi.json", null).status()).isEqualTo(200);
    }

    @Test
    void onlyTheExplorersOwnFilesAreServed() {
        for (String path : List.of("/docs/unknown.js", "/docs/index.html", "/docs/swagger-initializer.txt",
                "/docs/..%2Fapplication.properties", "/docs/%2E%2E%2Fpom.xml", "/docs/.hidden.js", "/docs/logback.xml")) {
            Api.Response r = api.send("GET", path, null);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.text()).as(path).doesNotContain("<configuration>").doesNotContain("camel.main");
        }
        ApiAssert.assertError(api.send("GET", "/docs/unknown.js", null), 404, "Record not found", "");
    }
}
