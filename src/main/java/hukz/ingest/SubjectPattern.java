package hukz.ingest;


/**
 * NATS subject syntax and matching: tokens separated by '.', {@code *} matches one token, {@code >} one or
 * more trailing tokens.
 */
public final class SubjectPattern {
    public static final int MAX_LENGTH = 255;

    private SubjectPattern() {
    }

    /** Whether {@code text} is a valid subject or subject pattern (wildcards allowed). */
    public static boolean isValid(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return false;
        }
        String[] tokens = text.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty()) {
                return false;
            }
            for (int c = 0; c < token.length(); c++) {
                char ch = token.charAt(c);
                if (Character.isWhitespace(ch) || Character.isISOControl(ch)) {
                    return false;
                }
            }
            if (token.length() > 1 && (token.contains("*") || token.contains(">"))) {
                return false;
            }
            if (token.equals(">") && i != tokens.length - 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the subject is matched by the pattern, token by token ('.'-separated, empty tokens included). Walks both
     * strings in place: every message is matched against every enabled webhook's events, so no token arrays.
     */
    public static boolean matches(String pattern, String subject) {
        int p = 0;
        int s = 0;
        while (true) {
            int patternEnd = indexOfDot(pattern, p);
            boolean wholeToken = patternEnd - p == 1;
            boolean subjectHasToken = s <= subject.length();
            if (wholeToken && pattern.charAt(p) == '>') {
                return subjectHasToken;
            }
            if (!subjectHasToken) {
                return false;
            }
            int subjectEnd = indexOfDot(subject, s);
            boolean same = patternEnd - p == subjectEnd - s && pattern.regionMatches(p, subject, s, patternEnd - p);
            if (!same && !(wholeToken && pattern.charAt(p) == '*')) {
                return false;
            }
            if (patternEnd == pattern.length()) {
                return subjectEnd == subject.length();
            }
            p = patternEnd + 1;
            // past the subject's end: it has no more tokens
            s = subjectEnd + 1;
        }
    }

    private static int indexOfDot(String text, int from) {
        int i = text.indexOf('.', from);
        return i < 0 ? text.length() : i;
    }

    /** The first token of a subject, as the envelope's {@code contains}. */
    public static String firstToken(String subject) {
        return subject.substring(0, indexOfDot(subject, 0));
    }
}
