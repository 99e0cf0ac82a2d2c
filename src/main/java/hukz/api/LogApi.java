package hukz.api;

import hukz.store.LogQuery;
import hukz.store.WebhookLogStore;
import org.apache.camel.Exchange;

/** GET /webhooks/logs: the attempts of webhooks the caller created, newest first. */
public final class LogApi {
    private final ApiRequest requests;
    private final WebhookLogStore logs;

    public LogApi(ApiRequest requests, WebhookLogStore logs) {
        this.requests = requests;
        this.logs = logs;
    }

    public void list(Exchange exchange) {
        long user = requests.user(exchange);
        String status = ApiRequest.param(exchange, "status");
        Boolean success = null;
        if (status != null && !status.isEmpty()) {
            if (!status.equals("success") && !status.equals("failed")) {
                throw ApiException.badParam("status", "status must be success or failed");
            }
            success = status.equals("success");
        }
        String webhookId = ApiRequest.param(exchange, "webhook_id");
        String event = ApiRequest.param(exchange, "event");
        LogQuery q = new LogQuery(ApiRequest.listQuery(exchange), user, event == null || event.isEmpty() ? null : event,
                webhookId == null || webhookId.isEmpty() ? null : ApiRequest.parseId(webhookId), success,
                ApiRequest.instantParam(exchange, "since"), ApiRequest.instantParam(exchange, "until"));
        ApiResponses.write(exchange, 200, Views.page(logs.list(q), Views::log));
    }
}
