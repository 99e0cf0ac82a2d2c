package hukz.security;

import hukz.support.Api;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Production mode refuses webhook URLs on the operator's network, at create/update and at every attempt. */
class PrivateAddressGuardTest {
    static TestHukz hukz;
    static long event;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("mode", "production", "allow_private_urls", "false"));
        event = hukz.api.createEvent("guard.test");
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://localhost/hook", "http://LOCALHOST./hook", "http://127.0.0.1/hook", "http://127.1/hook",
            "http://2130706433/hook", "http://0x7f000001/hook", "http://0177.0.0.1/hook", "http://0x7f.0.0.1/hook",
            "http://10.0.0.1/hook", "http://172.16.5.4/hook", "http://192.168.1.1/hook", "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/hook", "http://0.0.0.0/hook", "http://224.0.0.1/hook", "http://[::1]/hook", "http://[::]/hook",
            "http://[fd00::1]/hook", "http://[fe80::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:a9fe:a9fe]/hook",
            "http://user@127.0.0.1/hook", "http://example.com@127.0.0.1/hook", "ftp://example.com/hook", "file:///etc/passwd",
            "gopher://example.com/", "//example.com/hook", "http:///hook"})
    void refusesPrivateOrMalformedUrlsAtCreateAndChangesNothing(String url) {
        // the attempt-time test's refused delivery is retried for a moment; its rows must have settled first
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE status = 'pending'") == 0);
        String before = Sql.snapshot(hukz.database());
        Api.Response r = hukz.api.post("/webhooks", "{\"url\":\"" + url + "\",\"event_ids\":[" + event + "]}");
        assertThat(r.status()).as(url).isEqualTo(422);
        assertThat(r.json().get("errors").get(0).get("source").asText()).isEqualTo("url");
        assertThat(Sql.snapshot(hukz.database())).isEqualTo(before);
    }

    /**
     * A name is judged by what it resolves to, not by how it looks: this machine's own host name (in /etc/hosts,
     * a loopback or private address on any machine this suite runs on) is refused like the address itself.
     */
    @Test
    void refusesAHostNameThatResolvesToAPrivateAddress() throws Exception {
        String name = java.net.InetAddress.getLocalHost().getHostName();
        assertThat(name).as("a host name, not an address literal").doesNotMatch("[0-9.:]+");
        assertThat(java.net.InetAddress.getAllByName(name)).as("%s resolves to loopback or private addresses here", name)
                .allSatisfy(a -> assertThat(a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()).isTrue());
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Sql.count(hukz.database(), "SELECT count(*) FROM deliveries WHERE status = 'pending'") == 0);
        String before = Sql.snapshot(hukz.database());
        Api.Response r = hukz.api.post("/webhooks", "{\"url\":\"http://" + name + ":9/hook\",\"event_ids\":[" + event + "]}");
        assertThat(r.status()).as(r.text()).isEqualTo(422);
        assertThat(r.json().get("errors").get(0).get("source").asText()).isEqualTo("url");
        assertThat(Sql.snapshot(hukz.database())).isEqualTo(before);
    }

    @Test
    void refusesPrivateUrlOnUpdate() {
        Api.Response created = hukz.api.post("/webhooks", "{\"url\":\"https://93.184.216.34/hook\",\"event_ids\":[" + event + "]}");
        assertThat(created.status()).isEqualTo(201);
        Api.Response r = hukz.api.put("/webhooks/" + created.id(), "{\"url\":\"http://127.0.0.1:9/hook\",\"event_ids\":[" + event + "]}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(hukz.api.get("/webhooks/" + created.id()).json().get("url").asText()).isEqualTo("https://93.184.216.34/hook");
    }

    /**
     * A URL that passed the check when stored but now resolves to a private address (DNS rebinding, or a
     * row written before the guard): the attempt is refused after resolution, nothing is sent, and the
     * log says why with status 0.
     */
    @Test
    void refusesPrivateAddressAtAttemptTimeAndSendsNothing() {
        try (Receiver receiver = new Receiver(); NatsPublisher nats = NatsPublisher.shared()) {
            long ev = hukz.api.createEvent("guard.attempt");
            Api.Response created = hukz.api.post("/webhooks", "{\"url\":\"https://93.184.216.34/hook\",\"event_ids\":[" + ev + "]}");
            long id = created.id();
            Sql.execute(hukz.database(), "UPDATE webhooks SET url = '" + receiver.url().replace("127.0.0.1", "localhost") + "' WHERE id = " + id);
            // A change through this instance's API makes it reload its routing table at the next message, so
            // the SQL update above is seen without waiting for the once-a-second version check.
            hukz.api.createEvent("guard.attempt.reload");
            double refusedBefore = refusedAttempts();
            nats.publish("guard.attempt", "{\"x\":1}");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    hukz.api.get("/webhooks/logs?webhook_id=" + id).json().get("total").asInt() >= 1);
            var log = hukz.api.get("/webhooks/logs?webhook_id=" + id).json().get("nodes").get(0);
            assertThat(log.get("response_status_code").asInt()).isZero();
            assertThat(log.get("error").asText()).contains("refused").contains("loopback");
            assertThat(receiver.count()).isZero();
            // the refused delivery is retried on the schedule, each retry refused again
            await().atMost(Duration.ofSeconds(30)).until(() -> refusedAttempts() >= refusedBefore + 1);
        }
    }

    /** hukz_attempts_total{outcome="refused"}, 0 before the first refusal. */
    private static double refusedAttempts() {
        return hukz.api.get("/metrics").text().lines()
                .filter(l -> l.startsWith("hukz_attempts_total{") && l.contains("outcome=\"refused\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
