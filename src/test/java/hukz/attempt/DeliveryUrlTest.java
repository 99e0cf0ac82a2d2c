package hukz.attempt;

import hukz.support.Receiver;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP step parses each webhook's URL once and keeps it: every attempt still goes where its own URL says. */
class DeliveryUrlTest {
    static CamelContext camel;
    static DeliveryHttp http;

    @BeforeAll
    static void start() {
        camel = new DefaultCamelContext();
        camel.start();
        http = new DeliveryHttp(new UrlGuard(true), Duration.ofSeconds(10), 65_536, 16);
    }

    @AfterAll
    static void stop() {
        http.close();
        camel.stop();
    }

    @Test
    void eachAttemptGoesToItsOwnUrlWhenUrlsAreKept() throws Exception {
        try (Receiver receiver = new Receiver()) {
            List<String> paths = List.of("/a", "/b", "/a", "/b?x=1", "/a");
            for (String path : paths) {
                assertThat(send(receiver.url(path))).as(path).isEqualTo(200);
            }
            assertThat(receiver.requests()).extracting(r -> r.path()).containsExactly("/a", "/b", "/a", "/b?x=1", "/a");
        }
    }

    @Test
    void aUrlThatDoesNotParseFailsItsAttemptAndIsNotKept() throws Exception {
        int before = http.cachedUris();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Exchange e = post("http://bad host/hook");
        http.process(e, done -> failed.complete(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
        assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
        assertThat(http.cachedUris()).isEqualTo(before);
    }

    @Test
    void theKeptUrlsAreBoundedAndStayRight() {
        for (int i = 0; i <= DeliveryHttp.MAX_URIS + 10; i++) {
            String url = "http://127.0.0.1:9/hook/" + i;
            assertThat(http.uri(url)).isEqualTo(URI.create(url));
            assertThat(http.cachedUris()).isLessThanOrEqualTo(DeliveryHttp.MAX_URIS);
        }
        assertThat(http.uri("http://127.0.0.1:9/hook/0")).isEqualTo(URI.create("http://127.0.0.1:9/hook/0"));
    }

    private static int send(String url) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Exchange e = post(url);
        http.process(e, done -> status.complete(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)));
        return status.get(10, TimeUnit.SECONDS);
    }

    private static Exchange post(String url) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setHeader(Exchange.HTTP_URI, url);
        e.getMessage().setBody("{}".getBytes());
        return e;
    }
}
