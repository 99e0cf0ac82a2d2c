package hukz.attempt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** How a delivery's body is shaped for its receiver: the plain envelope, or a chat message for Slack and Google Chat. */
public final class PayloadFormat {
    public static final String JSON = "json";
    public static final String SLACK = "slack";
    public static final String GOOGLE_CHAT = "google_chat";
    public static final List<String> ALL = List.of(JSON, SLACK, GOOGLE_CHAT);

    private PayloadFormat() {
    }

    /** The format a URL gets when none is given: Slack and Google Chat hosts get theirs, as in the original. */
    public static String defaultFor(String url) {
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return JSON;
        }
        if (host == null) {
            return JSON;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.equals("hooks.slack.com")) {
            return SLACK;
        }
        if (host.equals("chat.googleapis.com")) {
            return GOOGLE_CHAT;
        }
        return JSON;
    }

    /** The body to POST: the envelope itself for json, else a chat message quoting it. */
    public static String render(String format, String event, String envelope) {
        if (JSON.equals(format)) {
            return envelope;
        }
        ObjectNode message = Json.object();
        String text = "*" + event + "*\n```" + envelope + "```";
        message.put("text", text);
        return Json.write(message);
    }
}
