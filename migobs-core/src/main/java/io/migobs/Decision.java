package io.migobs;

/** What the run does about its gates, re-decided at every sample: the worst gate of the current phase decides. */
public enum Decision {
    /** Every gate green: run batches and let the controller grow the batch size. */
    PROCEED,
    /** A gate is yellow (or unknown) with the THROTTLE action: smaller batches, lower rate. */
    THROTTLE,
    /** A gate is yellow (or unknown) with the PAUSE action, or the run was paused by hand: no batch starts. */
    PAUSE,
    /** A gate is red, an invariant failed, or the run was aborted by hand: the run ends. */
    ABORT,
    /** A gate is red and rollback is impossible: no batch starts, a human is escalated to. */
    STABILIZE
}
