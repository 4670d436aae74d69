package io.migobs.examples.support;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The smallest {@link DataSource}: a new connection from {@link DriverManager} per call. Credentials come from the
 * URL itself or from the given user and password. In production use a pool (HikariCP); the examples keep their
 * dependencies few.
 */
public final class UrlDataSource implements DataSource {
    private final String url;
    private final Properties props = new Properties();

    /**
     * A data source for a JDBC URL.
     *
     * @param url the JDBC URL
     * @param user the user, or null to take it from the URL
     * @param password the password, or null
     */
    public UrlDataSource(String url, String user, String password) {
        this.url = Objects.requireNonNull(url, "JDBC url cannot be null");
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
    }

    /**
     * A data source whose user and password come from the environment: {@code PREFIX_USER} and
     * {@code PREFIX_PASSWORD} (for example {@code MIGOBS_DB_USER}), or from the URL when those are not set.
     *
     * @param url the JDBC URL
     * @param envPrefix the environment variables' prefix
     * @return the data source
     */
    public static UrlDataSource fromEnv(String url, String envPrefix) {
        return new UrlDataSource(url, System.getenv(envPrefix + "_USER"), System.getenv(envPrefix + "_PASSWORD"));
    }

    /**
     * The URL without its parameters and credentials, safe to print: {@code jdbc:postgresql://host:5432/db}.
     *
     * @param url a JDBC URL
     * @return the URL up to the first {@code ?} or {@code ;}, with any {@code user:password@} removed
     */
    public static String describe(String url) {
        String s = url;
        int cut = s.length();
        for (char c : new char[] {'?', ';'}) {
            int i = s.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        s = s.substring(0, cut);
        return s.replaceAll("//[^/@]*@", "//");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, props);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "UrlDataSource[" + describe(url) + "]";
    }
}
