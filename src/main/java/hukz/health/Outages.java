package hukz.health;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells an outage (the database or NATS cannot be reached: worth waiting for, not worth a stack trace) from a
 * real failure (a bug, bad data: worth a stack trace). Decided from the exception and its causes.
 */
public final class Outages {
    private Outages() {
    }

    public static boolean isOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException || t instanceof UnknownHostException
                    || t instanceof SocketException || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof SQLException sql && (isOutageState(sql.getSQLState()) || isEvictedByPool(sql))) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 08 (connection exception), and the server going away or refusing connections
     * (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections).
     */
    static boolean isOutageState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300"));
    }

    /**
     * The pool closes a connection that failed with a connection error and answers any later use of it with
     * this state-less exception: the database was lost under a transaction.
     */
    private static boolean isEvictedByPool(SQLException e) {
        return e.getSQLState() == null && "Connection is closed".equals(e.getMessage());
    }

    /** The shortest useful description of an outage: the innermost message, without connection details. */
    public static String describe(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replaceAll("//[^@/\\s]*@", "//");
    }
}
