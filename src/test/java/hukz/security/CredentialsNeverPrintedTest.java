package hukz.security;

import hukz.config.Redact;
import hukz.support.HukzProcess;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Credentials in nats_url never appear in anything hukz prints, the start-up error above all. */
class CredentialsNeverPrintedTest {
    @Test
    void anUnreachableNatsUrlWithCredentialsIsReportedWithoutThem() {
        Map<String, String> config = new HashMap<>(TestHukz.baseConfig(TestPostgres.newDatabase()));
        config.put("nats_url", "nats://hukzuser:Pa55-w0rd-xyz@127.0.0.1:1");
        Throwable failed = catchThrowable(() -> HukzProcess.start(config).close());
        assertThat(failed).isInstanceOf(AssertionError.class);
        // HukzProcess puts the process's whole output (stdout and stderr) into its message.
        String output = failed.getMessage();
        assertThat(output).contains("cannot connect to NATS");
        assertThat(output).doesNotContain("Pa55-w0rd-xyz").doesNotContain("hukzuser:");
    }

    @Test
    void redactsUserInfoOfEveryUrlInAText() {
        assertThat(Redact.credentials("cannot connect to nats://u:p@h:1, tls://tok3n@h2:4222 and postgresql://a:b@db/x"))
                .isEqualTo("cannot connect to nats://***@h:1, tls://***@h2:4222 and postgresql://***@db/x");
        assertThat(Redact.credentials("nats://host:4222")).isEqualTo("nats://host:4222");
    }
}
