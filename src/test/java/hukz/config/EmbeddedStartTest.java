package hukz.config;

import hukz.support.HukzProcess;
import hukz.support.NatsPublisher;
import hukz.support.Reaper;
import hukz.support.Receiver;
import hukz.support.TestNats;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The start path of ./run.sh: hukz.Hukz from a directory holding config.yml, application.properties and
 * routes/, no HUKZ_ variable, embedded PostgreSQL and a local nats-server under data/. It delivers, and on
 * SIGTERM stops the servers it started.
 */
class EmbeddedStartTest {
    private static final Pattern NATS_URL = Pattern.compile("local nats-server started on (nats://\\S+)");

    @Test
    void startsOnEmbeddedServersFromConfigYmlDeliversAndStopsThemOnSigterm() throws Exception {
        Path dir = HukzProcess.workingDirectory();
        int port = TestNats.freePort();
        // read from the file alone: the child gets no HUKZ_ variable
        Files.writeString(dir.resolve("config.yml"), "server_port: " + port + "\nqueue_group: embedded-start-test\nretry_schedule: 200ms\n");
        try (Receiver receiver = new Receiver();
             // the first start unpacks PostgreSQL and runs initdb: slower than a start on servers that exist
             HukzProcess hukz = HukzProcess.start(Map.of(), dir, port, Duration.ofSeconds(120))) {
            assertThat(Files.isDirectory(dir.resolve("data/postgres"))).as("embedded PostgreSQL data under data/").isTrue();
            assertThat(Files.isDirectory(dir.resolve("data/nats"))).as("JetStream store under data/").isTrue();
            Matcher url = NATS_URL.matcher(hukz.output());
            assertThat(url.find()).as(hukz.output()).isTrue();

            long event = hukz.api.createEvent("embedded.start");
            hukz.api.createWebhook(receiver.url(), event);
            try (NatsPublisher nats = new NatsPublisher(url.group(1))) {
                nats.publish("embedded.start", "{\"title\":\"Hello\"}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);
            assertThat(receiver.requests().get(0).body()).contains("\"payload\":{\"title\":\"Hello\"}");

            List<ProcessHandle> servers = childServers(hukz.pid());
            assertThat(servers).as("the nats-server and postgres it started").isNotEmpty();
            servers.forEach(server -> Reaper.record(server.pid()));
            hukz.terminate();
            for (ProcessHandle server : servers) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
            }
        } finally {
            // whatever happened above, nothing started from this directory may outlive the test
            ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The descendants of hukz that are servers (nats-server, postgres). */
    private static List<ProcessHandle> childServers(long pid) {
        return ProcessHandle.of(pid).orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("nats-server") || c.contains("postgres")).orElse(false))
                .toList();
    }
}
