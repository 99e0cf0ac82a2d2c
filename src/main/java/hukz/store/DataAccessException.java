package hukz.store;

import java.sql.SQLException;

/** A database failure, unchecked so routes can map it in one place. */
public class DataAccessException extends RuntimeException {
    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    public String sqlState() {
        return getCause() instanceof SQLException e ? e.getSQLState() : null;
    }

    public boolean isUniqueViolation() {
        return "23505".equals(sqlState());
    }
}
