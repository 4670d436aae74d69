package io.migobs.jdbc;

import io.migobs.MigrationException;

/**
 * A batch of a {@link JdbcBackfill} failed: carries the key range, the failure kind and the attempts made. Its
 * message names the table, the range, the database as {@code dialect@host} (never a URL) and the cause.
 */
public class JdbcBatchException extends MigrationException {
    private static final long serialVersionUID = 1L;
    /** The batch's keys (not serialized: key values need not be serializable). */
    private final transient KeyRange range;
    /** The classification of the last failure. */
    private final FailureKind kind;
    /** Attempts made for the batch. */
    private final int attempts;

    /**
     * Creates the exception.
     *
     * @param migration the plan's name
     * @param phase the phase, or null
     * @param message what happened (with the range)
     * @param range the batch's keys, or null when it failed before its range was known
     * @param kind the classification of the cause
     * @param attempts attempts made, at least 1
     * @param cause the SQL failure
     */
    public JdbcBatchException(String migration, String phase, String message, KeyRange range, FailureKind kind,
            int attempts, Throwable cause) {
        super(migration, phase, message, cause);
        this.range = range;
        this.kind = kind;
        this.attempts = attempts;
    }

    /** @return the batch's keys, or null when the failure came before the range was selected */
    public KeyRange range() {
        return range;
    }

    /** @return the classification of the last failure */
    public FailureKind kind() {
        return kind;
    }

    /** @return attempts made for this batch */
    public int attempts() {
        return attempts;
    }
}
