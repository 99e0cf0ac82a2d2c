package hukz.security;

import hukz.attempt.GuardedDnsResolver;
import hukz.attempt.HostLookups;
import hukz.attempt.UrlGuard;
import hukz.support.Api;
import hukz.support.Sql;
import hukz.support.TestHukz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every address the IANA IPv4 and IPv6 special-purpose registries list as not globally reachable, and the
 * documentation, benchmarking, translation and tunnel forms, is refused in production: at create (422 on url)
 * and at attempt (the delivery client's resolver refuses to connect).
 */
class SpecialPurposeAddressTest {
    static final String[] HOSTS = {
            "192.0.2.1", "198.51.100.7", "203.0.113.9", "192.88.99.1", "198.18.0.1", "198.19.255.254", "100.64.0.1",
            "100.127.255.254", "192.0.0.8", "192.0.0.170", "240.0.0.1", "255.255.255.255", "0.1.2.3",
            "[::ffff:0:127.0.0.1]", "[::ffff:0:8.8.8.8]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[64:ff9b::808:808]",
            "[64:ff9b:1::1]", "[2001::1]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "[2001:2::1]", "[2001:10::1]",
            "[2001:db8::1]", "[2002:7f00:1::1]", "[2002:c0a8:101::1]", "[2002:a00:1::1]", "[fc00::1]", "[fd12:3456::1]",
            "[fe80::1]", "[febf::1]", "[fec0::1]", "[ff02::1]", "[100::1]", "[3fff::1]", "[5f00::1]", "[::]", "[::1]"};

    static TestHukz hukz;
    static long event;

    @BeforeAll
    static void start() {
        hukz = TestHukz.start(Map.of("mode", "production", "allow_private_urls", "false"));
        event = hukz.api.createEvent("special.purpose");
    }

    @AfterAll
    static void stop() {
        hukz.close();
    }

    @Test
    void everySpecialPurposeAddressIsRefusedAtCreate() {
        for (String host : HOSTS) {
            refusedAtCreate("http://" + host + "/hook");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://[fe80::1%25eth0]/hook", "http://[fe80::1%25lo]:8080/hook", "https://[fe80::abcd%251]/x"})
    void scopedAddressesAreRefusedAtCreate(String url) {
        refusedAtCreate(url);
    }

    @Test
    void everySpecialPurposeAddressIsRefusedAtAttempt() {
        GuardedDnsResolver resolver = new GuardedDnsResolver(new UrlGuard(false), new HostLookups());
        for (String host : HOSTS) {
            String literal = host.replace("[", "").replace("]", "");
            assertThatThrownBy(() -> resolver.resolve(literal)).as(host)
                    .isInstanceOf(UnknownHostException.class).hasMessageStartingWith(GuardedDnsResolver.REFUSED);
        }
        assertThatThrownBy(() -> resolver.resolve("fe80::1%1")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void globallyRoutableAddressesPass() throws Exception {
        GuardedDnsResolver resolver = new GuardedDnsResolver(new UrlGuard(false), new HostLookups());
        for (String host : new String[]{"93.184.216.34", "8.8.8.8", "192.0.1.1", "198.51.101.1", "2606:2800:220:1::1",
                "2a00:1450:4001::1", "2002:808:808::1", "2001:4860:4860::8888"}) {
            assertThat(resolver.resolve(host)).as(host).isNotEmpty();
            assertThat(UrlGuard.classify(java.net.InetAddress.getByName(host))).as(host).isNull();
        }
    }

    private static void refusedAtCreate(String url) {
        String before = Sql.snapshot(hukz.database());
        Api.Response r = hukz.api.post("/webhooks", "{\"url\":\"" + url + "\",\"event_ids\":[" + event + "]}");
        assertThat(r.status()).as(url + " " + r.text()).isEqualTo(422);
        assertThat(r.json().get("errors").get(0).get("source").asText()).isEqualTo("url");
        assertThat(Sql.snapshot(hukz.database())).isEqualTo(before);
    }
}
