package io.migobs.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps a DataSource to simulate a crash at the Nth commit: after it (the batch is durable but the process never
 * learns), before it (the batch's statement ran, the commit never happens), or abandoning the connection (no commit,
 * no rollback: the physical connection is left open until {@link #closeAbandoned()}, as a dead client's socket).
 */
final class FaultyDataSource implements DataSource {
    /** What happens at the chosen commit. */
    enum Mode { AFTER_COMMIT, BEFORE_COMMIT, ABANDON }

    /** Thrown to simulate the process dying: an Error, so the driver does not treat it as a batch failure. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String m) {
            super(m);
        }
    }

    private final DataSource real;
    private final Mode mode;
    private final int crashAtCommit;
    private final AtomicInteger commits = new AtomicInteger();
    private final List<Connection> abandoned = new ArrayList<>();

    FaultyDataSource(DataSource real, Mode mode, int crashAtCommit) {
        this.real = real;
        this.mode = mode;
        this.crashAtCommit = crashAtCommit;
    }

    int commits() {
        return commits.get();
    }

    /** Closes abandoned physical connections (the server then rolls their transactions back). */
    void closeAbandoned() throws SQLException {
        for (Connection c : abandoned) {
            c.close();
        }
        abandoned.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(real.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(real.getConnection(username, password));
    }

    private Connection wrap(Connection c) {
        boolean[] severed = {false};
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (severed[0]) {
                        if (name.equals("close") || name.equals("rollback")) {
                            return null; // the dead process never gets to do it
                        }
                        throw new SQLException("connection abandoned");
                    }
                    if (name.equals("commit")) {
                        int n = commits.incrementAndGet();
                        if (n == crashAtCommit) {
                            switch (mode) {
                                case AFTER_COMMIT:
                                    c.commit();
                                    throw new SimulatedCrash("crash after commit " + n);
                                case BEFORE_COMMIT:
                                    throw new SimulatedCrash("crash before commit " + n);
                                default:
                                    severed[0] = true;
                                    abandoned.add(c);
                                    throw new SimulatedCrash("connection abandoned at commit " + n);
                            }
                        }
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return real.isWrapperFor(iface);
    }
}
