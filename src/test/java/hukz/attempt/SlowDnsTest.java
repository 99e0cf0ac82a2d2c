package hukz.attempt;

import hukz.support.Receiver;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attempt is started on the thread that stored or claimed its delivery (the ingest consumer, the retry timer),
 * so a receiver whose DNS answers slowly must not hold that thread: its host is looked up on the lookup pool, and
 * attempts to other hosts go on meanwhile.
 */
class SlowDnsTest {
    static CamelContext camel;

    @BeforeAll
    static void start() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stop() {
        camel.stop();
    }

    @Test
    void aHostWhoseLookupHangsHoldsNeitherTheSendingThreadNorOtherHosts() throws Exception {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        AtomicInteger lookedUp = new AtomicInteger();
        HostLookups lookups = new HostLookups(host -> {
            if (host.equals("slow-dns.test")) {
                lookedUp.incrementAndGet();
                try {
                    dnsAnswers.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new InetAddress[]{InetAddress.getByName("127.0.0.1")};
            }
            return InetAddress.getAllByName(host);
        });
        DeliveryHttp http = new DeliveryHttp(new UrlGuard(true), Duration.ofSeconds(10), 65_536, 16, lookups);
        try (Receiver receiver = new Receiver()) {
            // more attempts to the slow host than the lookup pool has threads: they wait for its one lookup
            List<CompletableFuture<Integer>> slowOnes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                CompletableFuture<Integer> slow = new CompletableFuture<>();
                Exchange toSlow = post(receiver.url().replace("127.0.0.1", "slow-dns.test"));
                boolean sync = http.process(toSlow, done -> slow.complete(status(toSlow)));
                assertThat(sync).as("the sending thread went on while the lookup waits").isFalse();
                slowOnes.add(slow);
            }

            CompletableFuture<Integer> other = new CompletableFuture<>();
            Exchange toOther = post(receiver.url());
            http.process(toOther, done -> other.complete(status(toOther)));
            assertThat(other.get(10, TimeUnit.SECONDS)).as("another host's attempt, during the slow lookup").isEqualTo(200);
            assertThat(slowOnes).noneMatch(CompletableFuture::isDone);
            assertThat(receiver.count()).isEqualTo(1);

            dnsAnswers.countDown();
            for (CompletableFuture<Integer> slow : slowOnes) {
                assertThat(slow.get(10, TimeUnit.SECONDS)).as("sent once its host is known").isEqualTo(200);
            }
            assertThat(lookups.known("slow-dns.test")).isTrue();
            assertThat(receiver.count()).isEqualTo(9);
            assertThat(lookedUp.get()).as("one lookup for the eight").isEqualTo(1);
        } finally {
            dnsAnswers.countDown();
            http.close();
        }
    }

    @Test
    void anUnresolvableHostFailsTheAttemptAndItsAnswerIsKept() throws Exception {
        HostLookups lookups = new HostLookups();
        DeliveryHttp http = new DeliveryHttp(new UrlGuard(true), Duration.ofSeconds(10), 65_536, 16, lookups);
        try {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            Exchange e = post("http://no-such-host.invalid/hook");
            http.process(e, done -> failed.complete(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
            assertThat(failed.get(20, TimeUnit.SECONDS)).isInstanceOf(java.net.UnknownHostException.class);
            assertThat(e.getException()).as("a failed attempt is routed on to its outcome like an answer").isNull();
            assertThat(lookups.known("no-such-host.invalid")).as("the failure is the answer for a while").isTrue();
        } finally {
            http.close();
        }
    }

    @Test
    void anAttemptHandedToAClosedClientFailsAtOnceRatherThanHanging() throws Exception {
        DeliveryHttp http = new DeliveryHttp(new UrlGuard(true), Duration.ofSeconds(10), 65_536, 16, new HostLookups());
        http.close();
        for (String url : List.of("http://127.0.0.1:9/hook", "http://closed-client.test/hook")) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            Exchange e = post(url);
            http.process(e, done -> failed.complete(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
            assertThat(failed.get(10, TimeUnit.SECONDS)).as(url).isNotNull();
        }
    }

    private static Exchange post(String url) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setHeader(Exchange.HTTP_URI, url);
        e.getMessage().setBody("{}".getBytes());
        return e;
    }

    private static Integer status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }
}
