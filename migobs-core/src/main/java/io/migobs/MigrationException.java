package io.migobs;

/**
 * The base of migobs' runtime exceptions; carries the migration and phase it happened in.
 */
public class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String migration;
    private final String phase;

    /**
     * Creates the exception.
     *
     * @param migration the plan's name
     * @param phase the phase, or null
     * @param message what happened
     * @param cause the cause, or null
     */
    public MigrationException(String migration, String phase, String message, Throwable cause) {
        super("migration '" + migration + "'" + (phase == null ? "" : " phase '" + phase + "'") + ": " + message,
                cause);
        this.migration = migration;
        this.phase = phase;
    }

    /** @return the plan's name */
    public String migration() {
        return migration;
    }

    /** @return the phase, or null */
    public String phase() {
        return phase;
    }
}
