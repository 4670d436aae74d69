package io.migobs;

/**
 * How hard it is to undo the migration. {@link #IMPOSSIBLE} changes what a red gate does: instead of aborting and
 * rolling back, the run stops and stabilizes (pauses) and escalates to a human.
 */
public enum RollbackComplexity {
    /** Undo is a single cheap step (drop the new column, flip a flag back). */
    TRIVIAL,
    /** Undo needs a prepared script or a restore of the touched rows. */
    MODERATE,
    /** Undo is possible but slow or risky (restore from backup, replay). */
    HARD,
    /** Undo is not possible (data already exposed or destroyed): red means stop and stabilize, then escalate. */
    IMPOSSIBLE
}
