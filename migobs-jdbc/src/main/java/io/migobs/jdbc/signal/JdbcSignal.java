package io.migobs.jdbc.signal;

import io.migobs.Signal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A signal read with one short query on a borrowed connection. Any SQL failure becomes a
 * {@link DatabaseSignalException} whose message names the signal and the SQLState, with URLs and passwords removed.
 */
final class JdbcSignal implements Signal {
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:[^\\s'\"]+", Pattern.CASE_INSENSITIVE);
    private static final Pattern PASSWORD = Pattern.compile("(password|pwd)\\s*[=:]\\s*[^\\s&;,)]*",
            Pattern.CASE_INSENSITIVE);

    /** The query of one read. */
    @FunctionalInterface
    interface Query {
        double read(Connection c, int timeoutSeconds) throws SQLException;
    }

    private final String name;
    private final String unit;
    private final String source;
    private final DataSource dataSource;
    private final int timeoutSeconds;
    private final Query query;

    JdbcSignal(String name, String unit, String source, DataSource dataSource, int timeoutSeconds, Query query) {
        this.name = name;
        this.unit = unit;
        this.source = source;
        this.dataSource = dataSource;
        this.timeoutSeconds = timeoutSeconds;
        this.query = query;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public double read() {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                return query.read(c, timeoutSeconds);
            } finally {
                if (!autoCommit) {
                    // A pooled connection handed out without auto-commit must not be left "idle in transaction".
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            throw failure(name, e, timeoutSeconds);
        }
    }

    static DatabaseSignalException failure(String name, SQLException e, int timeoutSeconds) {
        String what = e instanceof SQLTimeoutException || "57014".equals(e.getSQLState())
                ? "query timed out or was cancelled (timeout " + timeoutSeconds + " s)"
                : "query failed";
        return new DatabaseSignalException(name, what + ": " + describe(e), e);
    }

    /** The class, SQLState and message of a driver exception, without JDBC URLs or passwords. */
    static String describe(SQLException e) {
        String msg = e.getMessage() == null ? "" : redact(e.getMessage());
        return e.getClass().getSimpleName() + (e.getSQLState() == null ? "" : " SQLState " + e.getSQLState())
                + (msg.isEmpty() ? "" : ": " + msg);
    }

    static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = JDBC_URL.matcher(text).replaceAll("<jdbc-url>");
        return PASSWORD.matcher(s).replaceAll("$1=<redacted>");
    }

    @Override
    public String toString() {
        return "Signal[" + name + " (" + unit + ")]";
    }
}
