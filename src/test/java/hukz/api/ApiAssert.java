package hukz.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hukz.support.Api;
import hukz.support.TestHukz;
import hukz.support.TestPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** What every API test checks the same way: the error body, an unchanged database, JSON bodies, times. */
final class ApiAssert {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiAssert() {
    }

    /** {@code {"errors":[{"code":status,"message":message,"source":source}]}}; a null message or source is not compared. */
    static JsonNode assertError(Api.Response r, int status, String message, String source) {
        assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).as("content type of an error").startsWith("application/json");
        JsonNode body = r.json();
        assertThat(body.fieldNames()).toIterable().containsExactly("errors");
        assertThat(body.get("errors").isArray()).isTrue();
        assertThat(body.get("errors")).hasSize(1);
        JsonNode error = body.get("errors").get(0);
        assertThat(error.fieldNames()).toIterable().containsExactlyInAnyOrder("code", "message", "source");
        assertThat(error.get("code").isInt()).isTrue();
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("message").isTextual()).isTrue();
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("source").isTextual()).isTrue();
        if (message != null) {
            assertThat(error.get("message").asText()).isEqualTo(message);
        }
        if (source != null) {
            assertThat(error.get("source").asText()).isEqualTo(source);
        }
        return error;
    }

    /** A 422 whose source names the field. */
    static JsonNode assertFieldError(Api.Response r, String field) {
        return assertError(r, 422, null, field);
    }

    /** Runs the request and shows that it changed nothing in the database. */
    static Api.Response unchanged(TestHukz hukz, Supplier<Api.Response> request) {
        String before = snapshot(hukz.database());
        Api.Response r = request.get();
        assertThat(snapshot(hukz.database())).as("database after %s", r.text()).isEqualTo(before);
        return r;
    }

    /** Runs several requests (and their assertions) and shows that together they changed nothing in the database. */
    static void unchangedAll(TestHukz hukz, Runnable requests) {
        String before = snapshot(hukz.database());
        requests.run();
        assertThat(snapshot(hukz.database())).as("database after the requests").isEqualTo(before);
    }

    /** Every row of every user-visible table, fingerprinted in one query on one connection (as Sql.snapshot, faster). */
    static String snapshot(String database) {
        StringBuilder sql = new StringBuilder("SELECT ");
        String[] tables = {"events", "webhooks", "webhook_events", "deliveries", "webhook_logs", "message_ids"};
        for (int i = 0; i < tables.length; i++) {
            sql.append(i == 0 ? "" : " || ';' || ").append("(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM ")
                    .append(tables[i]).append(" t)");
        }
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 3339 with a UTC designator ("Z" or "+00:00"). */
    static OffsetDateTime assertRfc3339Utc(JsonNode value) {
        assertThat(value.isTextual()).as("time %s is a string", value).isTrue();
        String text = value.asText();
        assertThat(text).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|\\+00:00)");
        OffsetDateTime time = OffsetDateTime.parse(text);
        assertThat(time.getOffset()).isEqualTo(ZoneOffset.UTC);
        return time;
    }

    /** A JSON object from name, value pairs (values may be null, numbers, booleans, strings or JsonNodes). */
    static String json(Object... pairs) {
        return object(pairs).toString();
    }

    static ObjectNode object(Object... pairs) {
        ObjectNode n = MAPPER.createObjectNode();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            n.set((String) pairs[i], MAPPER.valueToTree(pairs[i + 1]));
        }
        return n;
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static Api.Response as(Api api, long user, String method, String path, String body) {
        return body == null ? api.send(method, path, null, "X-User", String.valueOf(user))
                : api.send(method, path, body, "X-User", String.valueOf(user), "Content-Type", "application/json");
    }
}
