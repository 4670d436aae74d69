package io.migobs.jdbc.signal;

/**
 * A database signal could not produce an honest value: the query failed or timed out, replication is broken, the
 * monitoring view hides rows from the user, the heartbeat row is missing. A gate reads it as UNKNOWN.
 *
 * <p>The message names the signal and never contains a JDBC URL or a password.
 */
public final class DatabaseSignalException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The name of the signal that failed. */
    private final String signal;

    /**
     * Creates the exception.
     *
     * @param signal the signal's name
     * @param message what is wrong (without the signal's name, which is prefixed)
     * @param cause the underlying error, or null
     */
    public DatabaseSignalException(String signal, String message, Throwable cause) {
        super("signal '" + signal + "': " + message, cause);
        this.signal = signal;
    }

    /** @return the name of the signal that failed */
    public String signal() {
        return signal;
    }
}
