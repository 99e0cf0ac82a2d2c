package hukz.attempt;

import hukz.Json;
import hukz.Version;
import hukz.ingest.Envelope;
import hukz.policy.Outcome;
import hukz.policy.RetryPolicy;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import hukz.store.Webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One attempt of a delivery, in plain values: {@link #request} signs the task's POST, {@link #outcome} turns
 * what came back into the attempt's record, with the delivery's next state as the {@link RetryPolicy} decides
 * it. {@link AttemptExchange} carries these values to and from the route's HTTP step.
 */
public final class Attempt {
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final String EMPTY_JSON_STRING = "\"\"";

    private final RetryPolicy policy;

    public Attempt(RetryPolicy policy) {
        this.policy = policy;
    }

    /** The signed POST of the task, timestamped and signed now. */
    public SignedRequest request(DeliveryTask task) {
        return request(task, Instant.now());
    }

    SignedRequest request(DeliveryTask task, Instant now) {
        Webhook w = task.webhook();
        Delivery d = task.delivery();
        String body = PayloadFormat.render(w.format(), d.event(), d.payload());
        long timestamp = now.getEpochSecond();
        // case-insensitive like HTTP; hukz's own headers go in last, so they win over a webhook header of the same name
        SortedMap<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(w.headers());
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "hukz/" + Version.VERSION);
        headers.put("webhook-id", d.messageId());
        headers.put("webhook-timestamp", String.valueOf(timestamp));
        headers.put("webhook-signature", Signer.sign(w.signingSecrets(now), d.messageId(), timestamp, body));
        return new SignedRequest(w.url(), headers, body, timestamp);
    }

    /** The record of the attempt that sent {@code sent} and got {@code reply} after {@code durationMs}. */
    public AttemptRecord outcome(DeliveryTask task, SignedRequest sent, Reply reply, long durationMs) {
        return outcome(task, sent, reply, durationMs, Instant.now());
    }

    AttemptRecord outcome(DeliveryTask task, SignedRequest sent, Reply reply, long durationMs, Instant now) {
        int attempt = task.delivery().attempts() + 1;
        if (reply instanceof Reply.Answer a) {
            String error = a.status() >= 200 && a.status() <= 299 ? null : "HTTP " + a.status();
            Outcome o = policy.decide(attempt, a.status(), a.retryAfter(), task.probe(), now);
            return record(task, sent.body(), o, a.status(), responseJson(a.body()), error, durationMs, task.probe());
        }
        Outcome o = policy.decide(attempt, 0, null, task.probe(), now);
        return record(task, sent.body(), o, 0, null, describe(((Reply.Failure) reply).cause()), durationMs, task.probe());
    }

    /** The record of an attempt that is not made and ends the delivery (its webhook is gone or disabled). */
    public AttemptRecord refusedFinally(DeliveryTask task, String reason) {
        String body = PayloadFormat.render(task.webhook().format(), task.delivery().event(), task.delivery().payload());
        return record(task, body, policy.webhookGone(), 0, null, reason, 0, false);
    }

    private static AttemptRecord record(DeliveryTask task, String sentBody, Outcome outcome, int status, String responseJson,
                                        String error, long durationMs, boolean probe) {
        Delivery d = task.delivery();
        Webhook w = task.webhook();
        return new AttemptRecord(d.id(), d.attempts() + 1, outcome.status(), outcome.nextAttemptAt(), w.id(), w.createdById(),
                d.event(), w.url(), loggedData(d, sentBody), status, responseJson, w.tags(), d.messageId(), durationMs, error,
                probe, outcome.disableReason());
    }

    /**
     * The body sent, as the record carries it to the log: null when it is the stored delivery's payload itself (the
     * json format), which the record statement reads from the delivery's row. A body of hundreds of bytes then crosses
     * to PostgreSQL once, at ingest, instead of again in every attempt's outcome, escaped inside the batch's JSON.
     */
    private static String loggedData(Delivery d, String sentBody) {
        return d.id() != 0 && sentBody.equals(d.payload()) ? null : sentBody;
    }

    /** The response body as stored: itself when it is JSON, else a JSON string. */
    static String responseJson(String body) {
        if (body == null) {
            return null;
        }
        if (body.isEmpty()) {
            // the usual answer of a receiver (200 with no body): no JSON writer for two quotes
            return EMPTY_JSON_STRING;
        }
        if (Envelope.isJson(body)) {
            return body;
        }
        return Json.write(body);
    }

    /** The log's short error for a failure without an answer; its prefix is the metric outcome (see outcomeOf). */
    static String describe(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && !(t instanceof IOException)) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof UnknownHostException && message.startsWith(GuardedDnsResolver.REFUSED)) {
            return message;
        }
        if (t instanceof SocketTimeoutException || message.toLowerCase().contains("timed out")
                || message.toLowerCase().contains("timeout")) {
            return "timeout: " + message;
        }
        if (t instanceof ConnectException) {
            return "connection error: " + message;
        }
        if (t instanceof UnknownHostException) {
            return "connection error: unknown host " + message;
        }
        String text = t.getClass().getSimpleName() + ": " + message;
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    /** The metric outcome of an attempt record. */
    public static String outcomeOf(AttemptRecord r) {
        int s = r.responseStatusCode();
        if (s >= 200 && s <= 299) {
            return "2xx";
        }
        if (s >= 400 && s <= 499) {
            return "4xx";
        }
        if (s >= 500 && s <= 599) {
            return "5xx";
        }
        String e = r.error() == null ? "" : r.error();
        if (e.startsWith("timeout")) {
            return "timeout";
        }
        if (e.startsWith(GuardedDnsResolver.REFUSED)) {
            return "refused";
        }
        if (e.startsWith("connection error")) {
            return "connection_error";
        }
        return "other";
    }
}
