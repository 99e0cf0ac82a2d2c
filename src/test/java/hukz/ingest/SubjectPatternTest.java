package hukz.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

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

    /** Every pattern and subject of up to four tokens from a small alphabet, empty tokens included, as tokens compare. */
    @Test
    void matchesAsTheTokensCompare() {
        List<String> texts = new ArrayList<>(List.of(""));
        for (int length = 1; length <= 4; length++) {
            for (String t : new ArrayList<>(texts)) {
                for (String token : new String[] {"a", "b", "ab", "*", ">", ""}) {
                    String longer = t.isEmpty() && length == 1 ? token : t + "." + token;
                    if (!texts.contains(longer)) {
                        texts.add(longer);
                    }
                }
            }
        }
        assertThat(texts).hasSizeGreaterThan(1000);
        List<String> wrong = new ArrayList<>();
        int matched = 0;
        for (String pattern : texts) {
            for (String subject : texts) {
                boolean matches = SubjectPattern.matches(pattern, subject);
                matched += matches ? 1 : 0;
                if (matches != byTokens(pattern, subject)) {
                    wrong.add("'" + pattern + "' against '" + subject + "'");
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(matched).isGreaterThan(texts.size());
    }

    /** The rules written out over token arrays. */
    private static boolean byTokens(String pattern, String subject) {
        String[] p = pattern.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }

    @Test
    void firstTokenIsWhatTheEnvelopeContains() {
        assertThat(SubjectPattern.firstToken("post.created")).isEqualTo("post");
        assertThat(SubjectPattern.firstToken("post")).isEqualTo("post");
        assertThat(SubjectPattern.firstToken("a.b.c")).isEqualTo("a");
    }
}
