package hukz.attempt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class UrlGuardTest {
    private final UrlGuard guarded = new UrlGuard(false);
    private final UrlGuard open = new UrlGuard(true);

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/hook", "http://127.255.255.254:8080/hook", "https://localhost/hook", "http://LOCALHOST:9000/",
            "http://10.0.0.1/", "http://10.255.255.255/",
            "http://172.16.0.1/", "http://172.31.255.255/",
            "http://192.168.0.1/", "http://192.168.255.255/",
            "http://169.254.169.254/latest/meta-data/", "http://169.254.0.1/",
            "http://100.64.0.1/", "http://100.127.255.255/",
            "http://224.0.0.1/", "http://239.255.255.250/",
            "http://0.0.0.0/", "http://0.1.2.3/",
            "http://[::1]/", "http://[::]/", "http://[0:0:0:0:0:0:0:1]:8080/",
            "http://[fc00::1]/", "http://[fd12:3456::1]/",
            "http://[fe80::1]/", "http://[ff02::1]/",
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::127.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/",
            "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/",
            "http://127.0.1/", "http://017700000001/", "http://0/", "http://127.0.0.01/", "http://3232235521/",
    })
    void refusesPrivateLoopbackLinkLocalMulticastAndOddlyWrittenAddresses(String url) {
        assertThat(guarded.problem(url)).as(url).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://8.8.8.8/hook", "https://1.1.1.1:8443/x?y=z", "http://172.32.0.1/", "http://172.15.255.255/",
            "http://100.128.0.1/", "http://100.63.255.255/", "http://192.169.0.1/", "http://11.0.0.1/", "http://[2606:4700:4700::1111]/"})
    void acceptsPublicAddresses(String url) {
        assertThat(guarded.problem(url)).as(url).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/", "http://10.1.2.3/", "http://[::1]/"})
    void allowsPrivateAddressesWhenTold(String url) {
        assertThat(open.problem(url)).as(url).isNull();
        assertThat(open.allowsPrivate()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user@8.8.8.8/", "http://user:pass@8.8.8.8/", "http://8.8.8.8@127.0.0.1/",
            "http://evil.example@127.0.0.1/", "http://@8.8.8.8/"})
    void refusesUserInformation(String url) {
        assertThat(UrlGuard.syntaxProblem(url)).as(url).isNotNull();
        assertThat(open.problem(url)).as(url).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://8.8.8.8/", "file:///etc/passwd", "gopher://8.8.8.8/", "javascript:alert(1)", "mailto:a@b.c",
            "ws://8.8.8.8/", "//8.8.8.8/hook", "/hook", "8.8.8.8", "http:/8.8.8.8", "http://", "http:///path", "http://exa mple.com/",
            "", " "})
    void refusesAnythingButAbsoluteHttpUrls(String url) {
        assertThat(UrlGuard.syntaxProblem(url)).as(url).isNotNull();
        assertThat(open.problem(url)).as(url).isNotNull();
    }

    @Test
    void refusesNullAndOverlongUrls() {
        assertThat(UrlGuard.syntaxProblem(null)).isNotNull();
        String base = "https://8.8.8.8/";
        assertThat(UrlGuard.syntaxProblem(base + "a".repeat(2048 - base.length()))).isNull();
        assertThat(UrlGuard.syntaxProblem(base + "a".repeat(2049 - base.length()))).isNotNull();
    }

    @Test
    void acceptsHttpAndHttpsInAnyCase() {
        assertThat(UrlGuard.syntaxProblem("HTTPS://8.8.8.8/x")).isNull();
        assertThat(UrlGuard.syntaxProblem("http://8.8.8.8:80/x?a=b#c")).isNull();
    }

    @Test
    void classifiesResolvedAddresses() throws Exception {
        assertThat(UrlGuard.classify(InetAddress.getByName("127.0.0.1"))).isEqualTo("loopback");
        assertThat(UrlGuard.classify(InetAddress.getByName("::1"))).isEqualTo("loopback");
        assertThat(UrlGuard.classify(InetAddress.getByName("10.1.2.3"))).isEqualTo("private");
        assertThat(UrlGuard.classify(InetAddress.getByName("172.20.0.1"))).isEqualTo("private");
        assertThat(UrlGuard.classify(InetAddress.getByName("192.168.1.1"))).isEqualTo("private");
        assertThat(UrlGuard.classify(InetAddress.getByName("fd00::1"))).isEqualTo("private");
        assertThat(UrlGuard.classify(InetAddress.getByName("169.254.169.254"))).isEqualTo("link-local");
        assertThat(UrlGuard.classify(InetAddress.getByName("fe80::1"))).isEqualTo("link-local");
        assertThat(UrlGuard.classify(InetAddress.getByName("100.64.0.1"))).isEqualTo("shared (CGNAT)");
        assertThat(UrlGuard.classify(InetAddress.getByName("224.0.0.251"))).isEqualTo("multicast");
        assertThat(UrlGuard.classify(InetAddress.getByName("ff02::1"))).isEqualTo("multicast");
        assertThat(UrlGuard.classify(InetAddress.getByName("0.0.0.0"))).isEqualTo("unspecified");
        assertThat(UrlGuard.classify(InetAddress.getByName("::"))).isEqualTo("unspecified");
        assertThat(UrlGuard.classify(InetAddress.getByName("::ffff:127.0.0.1"))).isEqualTo("loopback");
        assertThat(UrlGuard.classify(InetAddress.getByName("8.8.8.8"))).isNull();
        assertThat(UrlGuard.classify(InetAddress.getByName("2606:4700:4700::1111"))).isNull();
    }

    @Test
    void forbiddenIsTheConnectTimeCheckAndHonoursTheSetting() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertThat(guarded.forbidden(loopback)).isEqualTo("loopback");
        assertThat(open.forbidden(loopback)).isNull();
        assertThat(guarded.forbidden(InetAddress.getByName("8.8.8.8"))).isNull();
    }

    @Test
    void connectTimeResolverRefusesForbiddenAddresses() throws Exception {
        GuardedDnsResolver resolver = new GuardedDnsResolver(guarded, new HostLookups());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resolver.resolve("localhost"))
                .isInstanceOf(java.net.UnknownHostException.class)
                .hasMessageStartingWith(GuardedDnsResolver.REFUSED).hasMessageContaining("loopback");
        assertThat(resolver.resolve("8.8.8.8")).containsExactly(InetAddress.getByName("8.8.8.8"));
        assertThat(new GuardedDnsResolver(open, new HostLookups()).resolve("127.0.0.1")).containsExactly(InetAddress.getByName("127.0.0.1"));
    }
}
