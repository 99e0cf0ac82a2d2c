package hukz.console;

import com.fasterxml.jackson.databind.JsonNode;
import hukz.support.Api;
import hukz.support.Browser;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser (headless chromium) against the real hukz, nats-server and an HTTP receiver:
 * the README's worked example done through the console's forms, as a person would. The steps depend on each
 * other and run in order. Screenshots go to target/screenshots; with -Dhukz.screenshots=docs they replace the
 * README's pictures in docs/ (a run that changes nothing else leaves the checkout clean).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Path DOCS = Path.of(System.getProperty("hukz.screenshots", "target/screenshots"));
    static TestHukz hukz;
    static Api api;
    static NatsPublisher nats;
    static Receiver receiver;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static long webhookId;
    static String messageId;
    static final List<String> jsErrors = new ArrayList<>();

    @BeforeAll
    static void start() {
        assertThat(Browser.installed()).as("chromium and chromium-driver are installed (test.sh installs them)").isTrue();
        // one retry an hour later: the failed first attempt stays the only one until the user retries
        hukz = TestHukz.start(Map.of("retry_schedule", "1h"));
        api = hukz.api;
        nats = NatsPublisher.shared();
        receiver = new Receiver().then(new Receiver.Answer(500, "{\"error\":\"database down\"}", Map.of("Content-Type", "application/json"),
                Duration.ZERO)).always(r -> new Receiver.Answer(200, "{\"ok\":true}", Map.of("Content-Type", "application/json"), Duration.ZERO));
        browser = Browser.start(1280, 900);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (nats != null) {
            nats.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (hukz != null) {
            hukz.close();
        }
    }

    static String url(String hash) {
        return api.base() + "/console" + hash;
    }

    static WebElement el(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    static void type(String css, String text) {
        WebElement e = el(css);
        e.clear();
        e.sendKeys(text);
    }

    static void go(String hash) {
        browser.get(url(hash));
    }

    static void screenshot(String name) {
        try {
            Files.createDirectories(DOCS);
            Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, DOCS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Errors the page's scripts logged since the last call (network answers the test provoked aside). */
    static List<String> newJsErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        jsErrors.addAll(errors);
        return errors;
    }

    @Test
    @Order(1)
    void servesTheConsoleWithAContentSecurityPolicy() {
        Api.Response r = api.send("GET", "/console", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-security-policy").orElse("")).contains("script-src 'self'").contains("default-src 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(r.text()).doesNotContain("<script>").doesNotContain("style=");
        assertThat(api.send("GET", "/console/js/app.js", null).headers().firstValue("content-security-policy")).isPresent();
        assertThat(api.send("GET", "/console/../config.yml", null).status()).isEqualTo(404);
        assertThat(api.send("GET", "/console/nope.js", null).status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void asksForTheUserIdThenShowsTheOverview() {
        go("");
        // the keyboard alone: type the id, press Enter
        type("#user-id", "1" + Keys.ENTER);
        assertThat(el("#stat-pending").getText()).isEqualTo("0");
        assertThat(browser.executeScript("return sessionStorage.getItem('hukz.user')")).isEqualTo("1");
        assertThat(browser.getCurrentUrl()).doesNotContain("user");
    }

    @Test
    @Order(3)
    void createsAnEventThroughItsForm() {
        el("#nav a[href='#/events']").click();
        el("#new-event").click();
        type("#event-name", "Post created");
        type("#event-subject", "post.created");
        type("#event-tags", "app: blog");
        el("#event-save").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view table"), "post.created"));
        JsonNode events = api.get("/events").json();
        assertThat(events.get("total").asInt()).isEqualTo(1);
        assertThat(events.get("nodes").get(0).get("tags").get("app").asText()).isEqualTo("blog");
    }

    @Test
    @Order(4)
    void createsAWebhookThroughItsForm() {
        el("#nav a[href='#/webhooks']").click();
        el("#new-webhook").click();
        type("#webhook-name", "my receiver");
        type("#webhook-url", receiver.url());
        el("label[for^='webhook-event-']").click();
        type("#webhook-tags", "team: core");
        el("#webhook-save").click();
        wait.until(ExpectedConditions.urlMatches("#/webhooks/\\d+$"));
        webhookId = Long.parseLong(browser.getCurrentUrl().replaceAll(".*/", ""));
        JsonNode w = api.get("/webhooks/" + webhookId).json();
        assertThat(w.get("url").asText()).isEqualTo(receiver.url());
        assertThat(w.get("events").get(0).get("event").asText()).isEqualTo("post.created");
        assertThat(w.get("tags").get("team").asText()).isEqualTo("core");
        screenshot("console-webhook.png");
    }

    @Test
    @Order(5)
    void aPublishedMessageShowsUpInTheDeliveriesListByItself() {
        el("#nav a[href='#/deliveries']").click();
        el("#deliveries-results");
        assertThat(browser.findElements(By.cssSelector(".delivery-link"))).isEmpty();
        nats.publish("post.created", "{\"title\":\"Hello\"}");
        long published = System.nanoTime();
        WebElement id = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".message-id")));
        // reported, not asserted: speed is measured, never a test's pass mark
        System.out.printf("console: delivery listed %d ms after publishing%n", (System.nanoTime() - published) / 1_000_000);
        messageId = id.getText();
        assertThat(messageId).isEqualTo(api.get("/deliveries").json().get("nodes").get(0).get("message_id").asText());
        // the first attempt's 500 shows in the same row as it happens, without a reload
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#deliveries-results"), "500"));
        screenshot("console-deliveries.png");
    }

    @Test
    @Order(6)
    void opensTheDeliveryRetriesItAndSeesTheSecondAttempt() {
        el(".delivery-link").click();
        WebElement first = el("article[data-attempt='1']");
        assertThat(first.getText()).contains("500").contains("database down");
        assertThat(browser.findElements(By.cssSelector("article[data-attempt='2']"))).isEmpty();
        el("#delivery-retry").click();
        WebElement second = el("article[data-attempt='2']");
        assertThat(second.getText()).contains("200").contains("\"ok\": true");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("delivery-status"), "delivered"));
        assertThat(receiver.count()).isEqualTo(2);
        // tall enough for both attempts in one picture
        browser.manage().window().setSize(new Dimension(1280, 1900));
        screenshot("console-delivery.png");
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    @Order(7)
    void findsADeliveryByItsMessageId() {
        go("#/deliveries");
        type("#deliveries-message", messageId);
        el("#deliveries-filter").click();
        wait.until(ExpectedConditions.urlContains("message_id="));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".message-id"), 1));
        assertThat(el(".message-id").getText()).isEqualTo(messageId);
        type("#deliveries-message", "msg_nobody");
        el("#deliveries-filter").click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".message-id"), 0));
    }

    @Test
    @Order(8)
    void showsAndRotatesTheSecret() {
        go("#/webhooks/" + webhookId);
        el("#secret-show").click();
        String before = api.secret(webhookId);
        wait.until(ExpectedConditions.textToBe(By.id("webhook-secret"), before));
        el("#secret-rotate").click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("webhook-secret"), before)));
        String shown = el("#webhook-secret").getText();
        assertThat(shown).startsWith("whsec_").isEqualTo(api.secret(webhookId));
    }

    @Test
    @Order(9)
    void filtersLogsByStatus() {
        go("#/logs");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#logs-results .log-status"), 2));
        new Select(el("#logs-status")).selectByValue("failed");
        el("#logs-filter").click();
        wait.until(ExpectedConditions.urlContains("status=failed"));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#logs-results .log-status"), 1));
        assertThat(el("#logs-results .log-status").getText()).isEqualTo("500");
        assertThat(el("#logs-results").getText()).contains("1 in all");
        screenshot("console-logs.png");
    }

    @Test
    @Order(10)
    void overviewCountsTheDay() {
        go("#/");
        wait.until(ExpectedConditions.textToBe(By.id("stat-delivered"), "1"));
        assertThat(el("#stat-failed").getText()).isEqualTo("1");
        assertThat(el("#stat-rate").getText()).isEqualTo("50.0 %");
        assertThat(browser.findElements(By.cssSelector(".chart rect.delivered"))).hasSize(1);
        assertThat(el("#view").getText()).contains("my receiver #" + webhookId);
        screenshot("console-overview.png");
    }

    @Test
    @Order(11)
    void worksWithTheKeyboardAlone() {
        go("#/");
        el("#stat-delivered");
        browser.executeScript("document.activeElement.blur()");
        Actions keys = new Actions(browser);
        String focused = "";
        for (int i = 0; i < 15 && !focused.equals("Logs"); i++) {
            keys.sendKeys(Keys.TAB).perform();
            focused = (String) browser.executeScript("return document.activeElement.textContent.trim()");
        }
        assertThat(focused).as("Tab reaches the Logs link").isEqualTo("Logs");
        keys.sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.urlContains("#/logs"));
        el("#logs-results .log-status");
    }

    @Test
    @Order(12)
    void darkModeFollowsTheSystem() {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        go("#/");
        el("#stat-delivered");
        String background = (String) browser.executeScript("return getComputedStyle(document.body).backgroundColor");
        assertThat(background).isEqualTo("rgb(18, 20, 24)");
        screenshot("console-overview-dark.png");
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
    }

    @Test
    @Order(13)
    void at390PixelsNoPageScrollsSideways() {
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("#/", "#/events", "#/webhooks", "#/webhooks/" + webhookId, "#/deliveries", "#/deliveries/1", "#/logs")) {
            go(page);
            el("#view h1");
            wait.until(d -> !((JavascriptExecutor) d).executeScript("return document.querySelector('#view').innerText").toString().isBlank());
            Number overflow = (Number) browser.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow.intValue()).as("sideways overflow of %s at 390 px", page).isLessThanOrEqualTo(0);
            if (page.equals("#/deliveries/1")) {
                screenshot("console-delivery-390.png");
            }
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    @Order(14)
    void noJavaScriptErrors() {
        assertThat(newJsErrors()).isEmpty();
        assertThat(jsErrors).isEmpty();
    }

    @Test
    @Order(15)
    void everyApiErrorIsShownInWords() {
        go("#/events/new");
        type("#event-subject", "post created!");
        el("#event-save").click();
        WebElement error = el("#error");
        assertThat(error.getText()).startsWith("422: ").contains("event");
        go("#/deliveries?status=bogus");
        assertThat(el("#error").getText()).startsWith("400: ").contains("status must be pending, delivered or failed");
        // a wrong user id is 401, said in words
        browser.executeScript("sessionStorage.setItem('hukz.user', '0')");
        go("#/webhooks");
        assertThat(el("#error").getText()).contains("Unauthorized");
    }
}
