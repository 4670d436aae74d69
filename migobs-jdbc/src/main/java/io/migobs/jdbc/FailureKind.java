package io.migobs.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What kind of SQL failure happened, from its SQLState and vendor code, and whether retrying the batch may help.
 *
 * <table>
 * <caption>Classification</caption>
 * <tr><th>Kind</th><th>PostgreSQL</th><th>MariaDB/MySQL</th><th>H2</th></tr>
 * <tr><td>DEADLOCK</td><td>40P01</td><td>1213</td><td>40001 (code 40001)</td></tr>
 * <tr><td>SERIALIZATION</td><td>40001, other class 40</td><td>40001 (not 1213)</td><td>class 40</td></tr>
 * <tr><td>LOCK_TIMEOUT</td><td>55P03</td><td>1205</td><td>HYT00 (code 50200)</td></tr>
 * <tr><td>CONNECTION</td><td>class 08, 57P01-57P03</td><td>class 08, 1927, 2006, 2013</td><td>class 08, codes 90007,
 * 90067, 90098, 90121 (closed or broken session)</td></tr>
 * <tr><td>STATEMENT_TIMEOUT</td><td>57014</td><td>1317, 1969, 3024</td><td>57014</td></tr>
 * </table>
 * Any {@link SQLTransientException} not matched above is {@link #OTHER_TRANSIENT}; {@link SQLTimeoutException} is
 * {@link #STATEMENT_TIMEOUT}; everything else is {@link #PERMANENT}. The chain of causes and
 * {@link SQLException#getNextException() next exceptions} is searched; the first transient match wins.
 */
public enum FailureKind {
    /** The database chose this transaction as a deadlock victim. Transient. */
    DEADLOCK(true),
    /** A serialization failure (or another transaction rollback). Transient. */
    SERIALIZATION(true),
    /** Waiting for a lock timed out. Transient. */
    LOCK_TIMEOUT(true),
    /** The connection failed or was terminated. Transient: the driver opens a new connection. */
    CONNECTION(true),
    /** The statement was cancelled by a timeout. Transient (the next attempt may find less contention). */
    STATEMENT_TIMEOUT(true),
    /** A transient exception of another kind ({@link SQLTransientException}). Transient. */
    OTHER_TRANSIENT(true),
    /** Anything else: a bug, a constraint violation, a missing table. Retrying will not help. */
    PERMANENT(false);

    private final boolean transientKind;

    FailureKind(boolean transientKind) {
        this.transientKind = transientKind;
    }

    /** @return whether a retry of the whole batch may succeed */
    public boolean isTransient() {
        return transientKind;
    }

    /**
     * Classifies a failure (searching causes and next exceptions).
     *
     * @param error the failure; null gives {@link #PERMANENT}
     * @return the kind
     */
    public static FailureKind classify(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable t = error;
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        if (t != null) {
            todo.add(t);
        }
        while (!todo.isEmpty() && seen.size() < 50) {
            t = todo.poll();
            if (seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            if (t instanceof SQLException s) {
                FailureKind k = one(s);
                if (k != PERMANENT) {
                    return k;
                }
                if (s.getNextException() != null) {
                    todo.add(s.getNextException());
                }
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return PERMANENT;
    }

    private static FailureKind one(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // Vendor codes do not collide: PostgreSQL reports 0, MariaDB/MySQL below 10000, H2 five digits.
        switch (e.getErrorCode()) {
            case 1213:
                return DEADLOCK;
            case 1205: case 50200:
                return LOCK_TIMEOUT;
            case 1927: case 2006: case 2013: case 90007: case 90067: case 90098: case 90121:
                return CONNECTION;
            case 1317: case 1969: case 3024:
                return STATEMENT_TIMEOUT;
            case 40001:
                return DEADLOCK; // H2's "Deadlock detected"
            default:
                break;
        }
        if ("HYT00".equals(state)) {
            return LOCK_TIMEOUT;
        }
        if ("40P01".equals(state)) {
            return DEADLOCK;
        }
        if ("55P03".equals(state)) {
            return LOCK_TIMEOUT;
        }
        if ("57014".equals(state)) {
            return STATEMENT_TIMEOUT;
        }
        if (state.startsWith("08") || "57P01".equals(state) || "57P02".equals(state) || "57P03".equals(state)
                || e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException) {
            return CONNECTION;
        }
        if (state.startsWith("40")) {
            return SERIALIZATION;
        }
        if (e instanceof SQLTimeoutException) {
            return STATEMENT_TIMEOUT;
        }
        if (e instanceof SQLTransientException) {
            return OTHER_TRANSIENT;
        }
        return PERMANENT;
    }
}
