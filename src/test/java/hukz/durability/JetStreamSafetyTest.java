package hukz.durability;

import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Receiver;
import hukz.support.TestHukz;
import hukz.support.TestNats;
import hukz.support.TestPostgres;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JetStream set up safely: an existing stream is used as it is, a missing one is created for the application's
 * subjects, never on {@code >}. These run on a nats-server of their own, so that a mistake cannot break the
 * JetStream of the server the other tests share.
 */
class JetStreamSafetyTest {
    static TestNats server;

    @BeforeAll
    static void start() {
        server = TestNats.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> config(String stream) {
        Map<String, String> raw = new HashMap<>(TestHukz.baseConfig(TestPostgres.newDatabase()));
        raw.put("nats_url", server.url());
        raw.put("nats_stream", stream);
        return raw;
    }

    @Test
    void withTheDefaultSubjectAndNoStreamStartUpStopsWithOneLineAndCreatesNothing() throws Exception {
        Map<String, String> raw = config("HUKZ_EVERYTHING");
        raw.remove("nats_subject");

        HukzProcess.Exit exit = HukzProcess.runUntilExit(raw, Duration.ofSeconds(90));

        assertThat(exit.code()).as(exit.output()).isNotZero();
        List<String> said = Arrays.stream(exit.output().split("\n")).filter(l -> l.contains("nats_subject")).toList();
        assertThat(said).as(exit.output()).hasSize(1);
        assertThat(said.get(0)).contains("set nats_subject to the application's subjects");
        assertThat(exit.output()).doesNotContain("\tat ");
        try (NatsPublisher other = new NatsPublisher(server.url())) {
            JetStreamManagement jsm = other.connection().jetStreamManagement();
            assertThat(jsm.getStreamNames()).doesNotContain("HUKZ_EVERYTHING");
            // The server's JetStream still answers everyone else.
            jsm.addStream(StreamConfiguration.builder().name("OTHER_APP").subjects("otherapp.>").storageType(StorageType.Memory).build());
            assertThat(other.connection().jetStream().publish("otherapp.x", "{}".getBytes(StandardCharsets.UTF_8)).getSeqno()).isEqualTo(1);
            assertThat(jsm.getStreamInfo("OTHER_APP").getStreamState().getMsgCount()).isEqualTo(1);
        }
    }

    @Test
    void anExistingStreamIsUsedAsItIs() throws Exception {
        try (NatsPublisher nats = new NatsPublisher(server.url()); Receiver receiver = new Receiver()) {
            JetStreamManagement jsm = nats.connection().jetStreamManagement();
            StreamConfiguration ops = StreamConfiguration.builder().name("HUKZ_KEPT").subjects("kept.>", "alsokept.>")
                    .description("made by the operator").maxMessages(1000).storageType(StorageType.File).build();
            jsm.addStream(ops);
            Map<String, String> raw = config("HUKZ_KEPT");
            raw.put("nats_subject", "kept.>");
            try (TestHukz hukz = TestHukz.startWith(raw)) {
                hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("kept.created"));
                nats.connection().jetStream().publish("kept.created", "{}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);
            }
            StreamInfo info = jsm.getStreamInfo("HUKZ_KEPT");
            assertThat(info.getConfiguration().getSubjects()).containsExactly("kept.>", "alsokept.>");
            assertThat(info.getConfiguration().getDescription()).isEqualTo("made by the operator");
            assertThat(info.getConfiguration().getMaxMsgs()).isEqualTo(1000);
        }
    }

    @Test
    void aMissingStreamIsCreatedForTheApplicationsSubjects() throws Exception {
        try (NatsPublisher nats = new NatsPublisher(server.url()); Receiver receiver = new Receiver()) {
            Map<String, String> raw = config("HUKZ_MADE");
            raw.put("nats_subject", "made.>");
            try (TestHukz hukz = TestHukz.startWith(raw)) {
                JetStreamManagement jsm = nats.connection().jetStreamManagement();
                assertThat(jsm.getStreamInfo("HUKZ_MADE").getConfiguration().getSubjects()).containsExactly("made.>");
                hukz.api.createWebhook(receiver.url(), hukz.api.createEvent("made.created"));
                nats.connection().jetStream().publish("made.created", "{}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);
            }
        }
    }
}
