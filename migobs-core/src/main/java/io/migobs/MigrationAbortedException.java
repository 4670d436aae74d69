package io.migobs;

/**
 * Thrown by {@link MigrationRun#nextBatch()} when the run has ended (aborted, stopped or completed) and no batch
 * can be handed out. {@link #state()} and {@link #reason()} say why.
 */
public final class MigrationAbortedException extends MigrationException {
    private static final long serialVersionUID = 1L;
    private final RunState state;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param migration the plan's name
     * @param phase the phase
     * @param state the run's terminal state
     * @param reason why it ended
     */
    public MigrationAbortedException(String migration, String phase, RunState state, String reason) {
        super(migration, phase, "no further batch: run is " + state + (reason == null ? "" : " (" + reason + ")"),
                null);
        this.state = state;
        this.reason = reason;
    }

    /** @return the run's state */
    public RunState state() {
        return state;
    }

    /** @return why the run ended */
    public String reason() {
        return reason;
    }
}
