package hukz.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SubjectPatternTest {

    @ParameterizedTest
    @ValueSource(strings = {"post", "post.created", "post.*", "post.>", "*", ">", "*.created", "a.*.c.>", "Post-1_x.é", "$SYS.x", "_INBOX.abc"})
    void acceptsSubjectsAndPatterns(String subject) {
        assertThat(SubjectPattern.isValid(subject)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "post.", ".post", "post..created", "post.>.created", ">.post", "post.cre*", "post.*x", "po>",
            "post created", "post.\tcreated", "post.\u0000"})
    void refusesMalformedSubjects(String subject) {
        assertThat(SubjectPattern.isValid(subject)).isFalse();
    }

    @Test
    void refusesNullAndOverlongSubjects() {
        assertThat(SubjectPattern.isValid(null)).isFalse();
        assertThat(SubjectPattern.isValid("a".repeat(255))).isTrue();
        assertThat(SubjectPattern.isValid("a".repeat(256))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "post.created, post.created, true",
            "post.created, post.updated, false",
            "post.created, post.created.x, false",
            "post.created, post, false",
            "post.created, Post.created, false",
            "post.*, post.created, true",
            "post.*, post, false",
            "post.*, post.created.x, false",
            "*.created, post.created, true",
            "*.created, post.updated, false",
            "*, post, true",
            "*, post.created, false",
            "post.*.x, post.a.x, true",
            "post.*.x, post.a.y, false",
            "post.>, post.created, true",
            "post.>, post.created.x.y, true",
            "post.>, post, false",
            "post.>, postx.created, false",
            ">, post, true",
            ">, post.created.x, true",
            "a.*.>, a.b.c, true",
            "a.*.>, a.b, false",
    })
    void matchesByNatsRules(String pattern, String subject, boolean matches) {
        assertThat(SubjectPattern.matches(pattern, subject)).isEqualTo(matches);
    }

    @Test
    void firstTokenIsWhatTheEnvelopeContains() {
        assertThat(SubjectPattern.firstToken("post.created")).isEqualTo("post");
        assertThat(SubjectPattern.firstToken("post")).isEqualTo("post");
        assertThat(SubjectPattern.firstToken("a.b.c")).isEqualTo("a");
    }
}
