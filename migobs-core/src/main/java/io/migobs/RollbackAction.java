package io.migobs;

/**
 * What to do when a run aborts: drop the new column, flip the feature flag back, delete the copied rows. Called
 * once, on the thread that observed the abort, after the last batch has finished. Not called when the plan's
 * rollback is {@link RollbackComplexity#IMPOSSIBLE} (the run stops and stabilizes instead).
 */
@FunctionalInterface
public interface RollbackAction {

    /**
     * Undoes the migration.
     *
     * @param reason why the run aborted (names the gate, value and threshold)
     * @throws Exception when the rollback fails; recorded in the report and logged, never swallowed silently
     */
    void rollback(String reason) throws Exception;
}
