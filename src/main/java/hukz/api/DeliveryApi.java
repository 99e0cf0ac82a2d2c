package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.Json;
import hukz.attempt.DeliveryTask;
import hukz.ingest.MessageIds;
import hukz.store.AttemptRecord;
import hukz.store.Delivery;
import hukz.store.DeliveryStore;
import hukz.store.FlowStore;
import hukz.store.Webhook;
import hukz.store.WebhookLogStore;
import hukz.store.WebhookStore;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** /deliveries, and the webhook actions that make deliveries: test, recover. */
public final class DeliveryApi {
    public static final String ATTEMPT_URI = "direct:attempt";
    private final ApiRequest requests;
    private final DeliveryStore deliveries;
    private final WebhookStore webhooks;
    private final WebhookLogStore logs;
    private final FlowStore flow;

    public DeliveryApi(ApiRequest requests, DeliveryStore deliveries, WebhookStore webhooks, WebhookLogStore logs, FlowStore flow) {
        this.requests = requests;
        this.flow = flow;
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.logs = logs;
    }

    public void list(Exchange exchange) {
        requests.user(exchange);
        String status = ApiRequest.param(exchange, "status");
        if (status != null && !status.isEmpty() && !List.of(Delivery.PENDING, Delivery.DELIVERED, Delivery.FAILED).contains(status)) {
            throw ApiException.badParam("status", "status must be pending, delivered or failed");
        }
        String webhookId = ApiRequest.param(exchange, "webhook_id");
        String event = ApiRequest.param(exchange, "event");
        String messageId = ApiRequest.param(exchange, "message_id");
        ApiResponses.write(exchange, 200, Views.page(deliveries.list(ApiRequest.listQuery(exchange),
                webhookId == null || webhookId.isEmpty() ? null : ApiRequest.parseId(webhookId),
                status == null || status.isEmpty() ? null : status, event == null || event.isEmpty() ? null : event,
                messageId == null || messageId.isEmpty() ? null : messageId), Views::delivery));
    }

    public void get(Exchange exchange) {
        requests.user(exchange);
        Delivery d = deliveries.find(ApiRequest.id(exchange, "id")).orElseThrow(ApiException::notFound);
        ApiResponses.write(exchange, 200, Views.delivery(d, logs.forDelivery(d.id())));
    }

    /**
     * Makes the delivery due now: 202, attempted at once. An open circuit of its webhook probes at once (with this
     * delivery or another due one), since an operator asking for a retry expects the receiver to be tried now.
     */
    public void retry(Exchange exchange) {
        requests.user(exchange);
        long id = ApiRequest.id(exchange, "id");
        Delivery d = deliveries.requeueNow(id).orElseThrow(ApiException::notFound);
        flow.probeNow(d.webhookId());
        ApiResponses.write(exchange, 202, Views.delivery(d));
    }

    /** Re-queues a webhook's failed deliveries since the given time; an open circuit probes at once, as for a retry. */
    public void recover(Exchange exchange) {
        requests.user(exchange);
        Webhook w = webhooks.find(ApiRequest.id(exchange, "id")).orElseThrow(ApiException::notFound);
        JsonNode body = ApiRequest.jsonObject(exchange);
        JsonNode since = body.get("since");
        if (since == null || !since.isTextual()) {
            throw ApiException.invalidField("since", "since is required (RFC 3339 time)");
        }
        Instant from;
        try {
            from = OffsetDateTime.parse(since.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalidField("since", "since must be an RFC 3339 time");
        }
        ObjectNode answer = Json.object();
        answer.put("count", deliveries.recoverFailed(w.id(), from));
        flow.probeNow(w.id());
        ApiResponses.write(exchange, 202, answer);
    }

    /** Sends a hukz.ping event to the webhook now and answers the attempt's log row. */
    public void test(Exchange exchange) {
        requests.user(exchange);
        Webhook w = webhooks.find(ApiRequest.id(exchange, "id")).orElseThrow(ApiException::notFound);
        String messageId = MessageIds.next();
        String envelope = hukz.ingest.Envelope.build(messageId, "hukz.ping", "{\"ping\":true}".getBytes(), Instant.now());
        Delivery ping = new Delivery(0, Instant.now(), Instant.now(), w.id(), messageId, "hukz.ping", envelope,
                Delivery.PENDING, 0, null, null, null);
        ProducerTemplate template = exchange.getContext().createProducerTemplate();
        try {
            AttemptRecord record = template.requestBody(ATTEMPT_URI, new DeliveryTask(ping, w), AttemptRecord.class);
            long logId = deliveries.insertLog(record);
            ApiResponses.write(exchange, 200, Views.log(logs.find(logId).orElseThrow()));
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // nothing to release beyond the template itself
            }
        }
    }
}
