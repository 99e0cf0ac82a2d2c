package hukz.record;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.jdbc.DefaultJdbcPrepareStatementStrategy;
import org.apache.camel.component.jdbc.JdbcConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The record route's named parameters: what camel-jdbc's own strategy gives, from a statement text parsed once. */
class ParsedOnceParametersTest {
    private static final String SQL = "WITH a AS (SELECT * FROM json_to_recordset(:?attempts::json) AS x (n INT)) "
            + "SELECT :?first, n FROM a WHERE n > :?first AND ':?' <> :?second_one";
    private final ParsedOnceParameters parsedOnce = new ParsedOnceParameters();
    private final DefaultJdbcPrepareStatementStrategy camels = new DefaultJdbcPrepareStatementStrategy();

    private static Exchange withHeaders(Map<String, Object> headers) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getIn().setHeaders(new HashMap<>(headers));
        return e;
    }

    private static List<Object> values(Iterator<?> it) {
        List<Object> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        return all;
    }

    @Test
    void preparesAndBindsAsCamelJdbcDoes() throws Exception {
        Exchange e = withHeaders(Map.of("attempts", "[{\"n\":1}]", "first", 7, "second_one", "x", "unused", true));
        for (int time = 0; time < 2; time++) {
            String prepared = parsedOnce.prepareQuery(SQL, true);
            assertThat(prepared).isEqualTo(camels.prepareQuery(SQL, true))
                    .isEqualTo("WITH a AS (SELECT * FROM json_to_recordset(?::json) AS x (n INT)) SELECT ?, n FROM a WHERE n > ? AND ':?' <> ?");
            assertThat(values(parsedOnce.createPopulateIterator(SQL, prepared, 4, e, null)))
                    .isEqualTo(values(camels.createPopulateIterator(SQL, prepared, 4, e, null)))
                    .containsExactly("[{\"n\":1}]", 7, 7, "x");
        }
    }

    @Test
    void theParametersHeaderTakesPrecedenceAsInCamelJdbc() throws Exception {
        Exchange e = withHeaders(Map.of("attempts", "from headers", "first", 1, "second_one", "y",
                JdbcConstants.JDBC_PARAMETERS, Map.of("attempts", "from the map", "first", 2, "second_one", "z")));
        String prepared = parsedOnce.prepareQuery(SQL, true);
        assertThat(values(parsedOnce.createPopulateIterator(SQL, prepared, 4, e, null))).containsExactly("from the map", 2, 2, "z");
    }

    @Test
    void aMissingHeaderIsNamed() throws Exception {
        Exchange e = withHeaders(Map.of("attempts", "[]", "first", 1));
        String prepared = parsedOnce.prepareQuery(SQL, true);
        assertThatThrownBy(() -> parsedOnce.createPopulateIterator(SQL, prepared, 4, e, null))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("[second_one]");
    }

    @Test
    void withoutNamedParametersTheStatementIsLeftAlone() throws Exception {
        String plain = "SELECT 1 WHERE ? = ?";
        assertThat(parsedOnce.prepareQuery(plain, true)).isEqualTo(plain);
        assertThat(parsedOnce.prepareQuery(SQL, false)).isEqualTo(SQL);
        Exchange e = withHeaders(Map.of("a", 1));
        assertThat(values(parsedOnce.createPopulateIterator(plain, plain, 1, e, null))).containsExactly(1);
    }
}
