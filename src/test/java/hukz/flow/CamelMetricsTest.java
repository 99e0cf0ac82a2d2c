package hukz.flow;

import hukz.support.Api;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Camel's route and exchange metrics (camel-micrometer) are in the same /metrics as hukz's own. */
class CamelMetricsTest {
    static TestHukz hukz;
    static Api api;
    static Receiver receiver;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start();
        api = hukz.api;
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        hukz.close();
    }

    @Test
    void exchangesArePerRouteAndRoutesAreCountedBesideHukzsMetrics() {
        long event = api.createEvent("metrics.camel");
        api.createWebhook(receiver.url("/hook"), event);
        assertThat(api.get("/events/abc").status()).isEqualTo(400);
        NatsPublisher.shared().publish("metrics.camel", "{}");
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.count() == 1);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String text = metrics();
            assertThat(sample(text, "camel_exchanges_total", "api-events-create")).isGreaterThanOrEqualTo(1);
            assertThat(sample(text, "camel_exchanges_total", "ingest-batch")).isGreaterThanOrEqualTo(1);
            assertThat(sample(text, "camel_exchanges_failures_handled_total", "api-events-get")).isGreaterThanOrEqualTo(1);
            assertThat(sample(text, "camel_route_policy_seconds_count", "api-webhooks-create")).isGreaterThanOrEqualTo(1);
            assertThat(text).containsPattern("(?m)^hukz_attempts_total\\{[^}]*outcome=\"2xx\"[^}]*\\} 1\\.0$");
        });
        String text = metrics();
        for (String route : new String[] {"ingest-nats", "ingest", "deliver", "attempt", "refill", "record"}) {
            assertThat(sample(text, "camel_exchanges_total", route))
                    .as("%s: every message or delivery passes through it, measured by hukz's own series", route).isEqualTo(-1);
            // not merely silent: no policy is called as an exchange enters or leaves it
            assertThat(hukz.camel().getRoute(route).getRoutePolicyList()).as(route).isEmpty();
        }
        assertThat(hukz.camel().getRoute("ingest-batch").getRoutePolicyList()).isNotEmpty();
        assertThat(text).containsPattern("(?m)^hukz_messages_consumed_total(\\{[^}]*\\})? [1-9][0-9]*\\.0$");
        assertThat(text).containsPattern("(?m)^camel_routes_running_routes\\{[^}]*\\} [1-9][0-9]*\\.0$");
        assertThat(text).containsPattern("(?m)^hukz_deliveries_stored_total(\\{[^}]*\\})? 1\\.0$");
    }

    static String metrics() {
        Api.Response r = api.send("GET", "/metrics", null);
        assertThat(r.status()).isEqualTo(200);
        return r.text();
    }

    /** The value of {@code name} for one route, or -1 when there is no such sample. */
    static double sample(String text, String name, String routeId) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*routeId=\"" + Pattern.quote(routeId) + "\"[^}]*\\} ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
