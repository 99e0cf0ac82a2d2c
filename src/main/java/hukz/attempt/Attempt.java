package hukz.attempt;

import hukz.attempt.Attempt;
import hukz.attempt.DeliveryTask;
import hukz.attempt.GuardedDnsResolver;
import hukz.attempt.PayloadFormat;
import hukz.attempt.Signer;
import hukz.ingest.Envelope;
import hukz.policy.RetrySchedule;

import hukz.Json;
import hukz.Version;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import hukz.store.Webhook;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;


/**
 * One HTTP attempt of a delivery, around the route's single HTTP endpoint: {@link #prepare} sets the signed
 * request up (URL in {@code CamelHttpUri}), {@link #outcome} reads what came back into the attempt's record
 * and the delivery's next state.
 */
public final class Attempt {
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;
    static final String TASK = "hukzTask";
    static final String STARTED = "hukzStarted";
    static final String SENT_BODY = "hukzSentBody";

    private final RetrySchedule schedule;

    public Attempt(RetrySchedule schedule) {
        this.schedule = schedule;
    }

    /** Replaces the exchange's headers and body with the signed request of the task in the body. */
    public void prepare(Exchange exchange) {
        DeliveryTask task = exchange.getMessage().getBody(DeliveryTask.class);
        Webhook w = task.webhook();
        Delivery d = task.delivery();
        String body = PayloadFormat.render(w.format(), d.event(), d.payload());
        long timestamp = Instant.now().getEpochSecond();

        Message m = exchange.getMessage();
        m.removeHeaders("*");
        w.headers().forEach(m::setHeader);
        m.setHeader(Exchange.HTTP_URI, w.url());
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("User-Agent", "hukz/" + Version.VERSION);
        m.setHeader("webhook-id", d.messageId());
        m.setHeader("webhook-timestamp", String.valueOf(timestamp));
        m.setHeader("webhook-signature", Signer.sign(w.signingSecrets(Instant.now()), d.messageId(), timestamp, body));
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
        exchange.setProperty(TASK, task);
        exchange.setProperty(SENT_BODY, body);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** Reads the response (at most 64 KiB of its body) or the failure into the attempt's record. */
    public AttemptRecord outcome(Exchange exchange) {
        DeliveryTask task = exchange.getProperty(TASK, DeliveryTask.class);
        long durationMs = (System.nanoTime() - exchange.getProperty(STARTED, Long.class)) / 1_000_000;
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
            exchange.setException(null);
        }
        Message m = exchange.getMessage();
        int status = 0;
        String responseBody = null;
        String error = null;
        Duration retryAfter = null;
        if (failure != null) {
            error = describe(failure);
        } else {
            Integer code = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            status = code == null ? 0 : code;
            responseBody = readBounded(m);
            retryAfter = status == 429 || status == 503 ? RetrySchedule.parseRetryAfter(m.getHeader("Retry-After", String.class), Instant.now()) : null;
            if (status < 200 || status > 299) {
                error = "HTTP " + status;
            }
        }
        return record(task, exchange.getProperty(SENT_BODY, String.class), status, responseBody, error, retryAfter, durationMs);
    }

    /** The record of an attempt that is not made and ends the delivery (its webhook is gone or disabled). */
    public AttemptRecord refusedFinally(DeliveryTask task, String reason) {
        String body = PayloadFormat.render(task.webhook().format(), task.delivery().event(), task.delivery().payload());
        AttemptRecord r = record(task, body, 0, null, reason, null, 0);
        return new AttemptRecord(r.deliveryId(), r.attempt(), Delivery.FAILED, null, r.webhookId(), r.webhookCreatedById(),
                r.event(), r.url(), r.data(), 0, null, r.tags(), r.messageId(), 0, reason, false);
    }

    private AttemptRecord record(DeliveryTask task, String sentBody, int status, String responseBody, String error,
                                 Duration retryAfter, long durationMs) {
        Delivery d = task.delivery();
        Webhook w = task.webhook();
        int attempt = d.attempts() + 1;
        Instant now = Instant.now();
        String state;
        Instant next = null;
        if (status >= 200 && status <= 299) {
            state = Delivery.DELIVERED;
        } else if (status == 410) {
            state = Delivery.FAILED;
        } else {
            next = schedule.nextAttemptAt(attempt, retryAfter, now);
            state = next == null ? Delivery.FAILED : Delivery.PENDING;
        }
        return new AttemptRecord(d.id(), attempt, state, next, w.id(), w.createdById(), d.event(), w.url(), sentBody,
                status, responseJson(responseBody), w.tags(), d.messageId(), durationMs, error, task.probe());
    }

    /** The response body as stored: itself when it is JSON, else a JSON string; at most 64 KiB of it. */
    static String responseJson(String body) {
        if (body == null) {
            return null;
        }
        if (!body.isEmpty() && Envelope.isJson(body)) {
            return body;
        }
        return Json.write(body);
    }

    private static String readBounded(Message m) {
        Object body = m.getBody();
        if (body == null) {
            return "";
        }
        byte[] bytes;
        if (body instanceof byte[] b) {
            bytes = b.length > MAX_RESPONSE_BYTES ? Arrays.copyOf(b, MAX_RESPONSE_BYTES) : b;
        } else if (body instanceof String s) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                bytes = Arrays.copyOf(bytes, MAX_RESPONSE_BYTES);
            }
        } else {
            try (InputStream in = m.getBody(InputStream.class)) {
                bytes = in == null ? new byte[0] : in.readNBytes(MAX_RESPONSE_BYTES);
            } catch (IOException e) {
                bytes = new byte[0];
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String describe(Throwable failure) {
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
