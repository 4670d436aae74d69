package io.migobs;

/**
 * What an {@link Invariant} is told when it runs.
 *
 * @param migration the plan's name
 * @param phase the current phase's name
 * @param rowsProcessed rows completed so far by the run (including rows resumed from a checkpoint)
 * @param fromCursor the cursor when this invariant last ran (or the run's starting cursor): the range
 *        {@code (fromCursor, toCursor]} holds the rows written since then; may be null
 * @param toCursor the last committed cursor; may be null when the batch loop reports none
 * @param reason why the check runs now: {@code cadence}, {@code phase-end}, {@code final} or {@code go-no-go}
 */
public record InvariantContext(String migration, String phase, long rowsProcessed, Object fromCursor,
        Object toCursor, String reason) {
}
