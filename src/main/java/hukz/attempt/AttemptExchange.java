package hukz.attempt;

import hukz.store.AttemptRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The attempt route's edge, and the only code of the attempt stage that touches the {@link Exchange}: it puts
 * {@link Attempt#request}'s signed request on the message for the HTTP step ({@link DeliveryHttp}) and reads
 * what that step left into {@link Attempt#outcome}. Between the two it keeps the task, the request and the
 * start time in one exchange property. When the outcome is read the attempt is over: {@code over} frees its
 * webhook's slot and marks its outcome as on its way to the record route.
 */
public final class AttemptExchange {
    static final String SENDING = "hukzAttempt";

    /** What the second step needs from the first. */
    private record Sending(DeliveryTask task, SignedRequest request, long startedNanos) {
    }

    /** Header set on the outcome: deliveries of its webhook wait in the database for the slot just freed. */
    public static final String REFILL = "hukzRefill";
    private final Attempt attempt;
    private final Predicate<AttemptRecord> over;

    /**
     * {@code over} is told of each finished attempt (its slot is free again, its outcome goes to be recorded) and
     * answers whether deliveries of its webhook wait for that slot.
     */
    public AttemptExchange(Attempt attempt, Predicate<AttemptRecord> over) {
        this.attempt = attempt;
        this.over = over;
    }

    /** Replaces the message's headers and body with the signed request of the task in the body; the clock starts. */
    public void prepare(Exchange exchange) {
        DeliveryTask task = exchange.getMessage().getBody(DeliveryTask.class);
        SignedRequest request = attempt.request(task);
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        request.headers().forEach(m::setHeader);
        m.setHeader(Exchange.HTTP_URI, request.url());
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setBody(request.bodyBytes());
        // What the outcome reads as this attempt's failure is only what its own POST leaves. An exchange can come with a
        // caught exception of an earlier route in its properties: a split item of a batch that ingest-errors handled
        // and then stored one by one carries that batch's, and it would be recorded as this attempt's failure.
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        exchange.setProperty(SENDING, new Sending(task, request, System.nanoTime()));
    }

    /**
     * The attempt's record from the response (status, Retry-After, body) or the failure the HTTP step left, as the
     * body; the {@link #REFILL} header says whether the freed slot has deliveries waiting for it.
     */
    public void outcome(Exchange exchange) {
        Sending sending = exchange.getProperty(SENDING, Sending.class);
        long durationMs = (System.nanoTime() - sending.startedNanos()) / 1_000_000;
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
            exchange.setException(null);
        }
        Reply reply = failure != null ? new Reply.Failure(failure) : answer(exchange.getMessage());
        AttemptRecord record = attempt.outcome(sending.task(), sending.request(), reply, durationMs);
        boolean refill = over.test(record);
        Message m = exchange.getMessage();
        // the outcome is all the record route reads: the request's and response's headers do not go along
        m.removeHeaders("*");
        m.setHeader(REFILL, refill);
        m.setBody(record);
    }

    private static Reply.Answer answer(Message m) {
        Integer code = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return Reply.Answer.of(code == null ? 0 : code, m.getHeader("Retry-After", String.class), body(m));
    }

    /** The response body, never more of a stream than an attempt keeps. */
    private static byte[] body(Message m) {
        Object body = m.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try (InputStream in = m.getBody(InputStream.class)) {
            return in == null ? new byte[0] : in.readNBytes(Attempt.MAX_RESPONSE_BYTES);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
