package io.migobs;

/** The life cycle of a {@link MigrationRun}. Numeric codes are exported as the {@code migobs.run.state} gauge. */
public enum RunState {
    /** Measuring baselines before the first batch. */
    PREFLIGHT(0, false),
    /** Batches are flowing at full speed. */
    RUNNING(1, false),
    /** Batches are flowing with reduced batch size and rate because a gate is yellow. */
    THROTTLED(2, false),
    /** No batch starts: paused by a yellow gate with the PAUSE action, or by {@link MigrationRun#pause()}. */
    PAUSED(3, false),
    /** No batch starts until {@link MigrationRun#approve()}: a phase that requires approval has finished. */
    AWAITING_APPROVAL(4, false),
    /** A red gate fired on a migration whose rollback is impossible: stopped, waiting for a human. */
    STABILIZING(5, false),
    /** Finished: every row processed. */
    COMPLETED(6, true),
    /** Ended by a red gate, a failed invariant, too many failures or a manual abort. */
    ABORTED(7, true),
    /** Ended on purpose at a phase boundary (a library-driven canary run). */
    STOPPED(8, true);

    private final int code;
    private final boolean terminal;

    RunState(int code, boolean terminal) {
        this.code = code;
        this.terminal = terminal;
    }

    /**
     * The number exported to metrics for this state.
     *
     * @return a stable code from 0 to 8
     */
    public int code() {
        return code;
    }

    /**
     * Whether the run has ended and will start no more batches.
     *
     * @return true for COMPLETED, ABORTED and STOPPED
     */
    public boolean isTerminal() {
        return terminal;
    }
}
