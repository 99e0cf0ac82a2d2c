package hukz.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IngestTest {

    @ParameterizedTest
    @ValueSource(strings = {"post.created", "a", "inbox.x", "_INBOXx", "SYS.x", "x.$SYS"})
    void consumesOrdinarySubjects(String subject) {
        assertThat(Ingest.isConsumable(subject)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"_INBOX.abc", "_INBOX.abc.def", "$SYS.SERVER.x", "$JS.API.INFO", "$KV.bucket.key", "$x"})
    void ignoresRepliesAndServerSubjects(String subject) {
        assertThat(Ingest.isConsumable(subject)).isFalse();
    }

    @Test
    void ignoresAMessageWithoutSubject() {
        assertThat(Ingest.isConsumable(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-1", "msg_2f1c", "a b", "~!@#$%^&*()_+{}|:\"<>?"})
    void acceptsPrintableAsciiMessageIds(String id) {
        assertThat(Ingest.isValidMessageId(id)).isTrue();
    }

    @Test
    void messageIdIsAtMost255Characters() {
        assertThat(Ingest.isValidMessageId("x".repeat(255))).isTrue();
        assertThat(Ingest.isValidMessageId("x".repeat(256))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tab\there", "new\nline", "nul\u0000", "café", "emoji-😀", "del\u007f"})
    void refusesMessageIdsThatCannotBeAHeader(String id) {
        assertThat(Ingest.isValidMessageId(id)).isFalse();
    }
}
