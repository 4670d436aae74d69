package io.migobs.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The work of one batch, as code: runs inside the batch's transaction on the given connection and touches only
 * the rows of the key range. It must not commit, roll back or close the connection: the driver commits the
 * batch together with its checkpoint, or rolls everything back on failure.
 */
@FunctionalInterface
public interface BatchOperation {

    /**
     * Processes the rows of one key range.
     *
     * @param connection the batch's connection, auto-commit off
     * @param range the keys: restrict the SQL with {@link KeyRange#predicate()}
     * @return rows changed (logged; the batch's row count reported to the run is the number of keys in the range)
     * @throws SQLException on failure; transient ones ({@link FailureKind#isTransient()}) are retried
     */
    long apply(Connection connection, KeyRange range) throws SQLException;
}
