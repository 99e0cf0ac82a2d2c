package hukz.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Records what hukz logs while it is open, to count the lines an outage costs and find stack traces. */
public final class CapturedLog implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public CapturedLog() {
        appender.start();
        root.addAppender(appender);
    }

    public List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return List.copyOf(appender.list);
        }
    }

    /** Every line, as "LEVEL logger message". */
    public List<String> lines() {
        return events().stream().map(CapturedLog::line).toList();
    }

    /** Lines at WARN or above, and any line that carries a stack trace, as "LEVEL logger message". */
    public List<String> noteworthy() {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                .map(CapturedLog::line).toList();
    }

    /** Lines whose message contains {@code text}, at any level. */
    public List<String> containing(String text) {
        return events().stream().filter(e -> e.getFormattedMessage().contains(text)).map(CapturedLog::line).toList();
    }

    public long stackTraces() {
        return events().stream().filter(e -> e.getThrowableProxy() != null).count();
    }

    private static String line(ILoggingEvent e) {
        return e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " [stack trace: " + e.getThrowableProxy().getClassName() + "]");
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
