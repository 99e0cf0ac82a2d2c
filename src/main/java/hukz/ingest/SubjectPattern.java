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

    public static boolean matches(String pattern, String subject) {
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

    private static int indexOfDot(String text, int from) {
        int i = text.indexOf('.', from);
        return i < 0 ? text.length() : i;
    }

    /** The first token of a subject, as the envelope's {@code contains}. */
    public static String firstToken(String subject) {
        return subject.substring(0, indexOfDot(subject, 0));
    }
}
