package hukz.record;

import hukz.support.TestPostgres;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The record route's DataSource counts a statement's parameters without asking PostgreSQL, and is the pool otherwise. */
class CountedParametersDataSourceTest {
    private static final String SQL = "SELECT count(*) FROM json_to_recordset(?::json) AS a (n INT) WHERE a.n > ?";

    @Test
    void countsParametersAsTheDriverBindsThem() throws SQLException {
        assertThat(CountedParametersDataSource.parameters(SQL)).isEqualTo(2);
        assertThat(CountedParametersDataSource.parameters("SELECT '?', \"?\" -- ?\n, ? /* ? */")).isEqualTo(1);
        assertThat(CountedParametersDataSource.parameters("SELECT '{\"a\":1}'::jsonb ?? 'a'")).as("?? is the ? operator").isZero();
    }

    @Test
    void theCountNeedsNoRoundTripAndTheStatementRunsAsBefore() throws SQLException {
        String database = TestPostgres.newDatabase();
        DataSource pool = TestPostgres.get().getDatabase("postgres", database);
        DataSource counted = new CountedParametersDataSource(pool);
        try (Connection c = counted.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, "[{\"n\":1},{\"n\":2},{\"n\":3}]");
            ps.setInt(2, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            assertThat(ps.getParameterMetaData().getParameterTypeName(2)).as("the rest still from the server").isEqualTo("int4");

            // with the server gone, the count is still there: it was never asked of it
            terminate(pool, c);
            assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(2);
            assertThatThrownBy(() -> c.unwrap(Connection.class).prepareStatement(SQL).getParameterMetaData().getParameterCount())
                    .as("the driver itself would have asked").isInstanceOf(SQLException.class);
        }
    }

    private static void terminate(DataSource pool, Connection victim) throws SQLException {
        int pid;
        try (Statement st = victim.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        try (Connection other = pool.getConnection(); Statement st = other.createStatement()) {
            st.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
    }
}
