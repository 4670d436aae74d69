package io.migobs;

/**
 * The run was promoted to the next phase.
 *
 * @param migration the plan's name
 * @param from the finished phase
 * @param to the next phase
 * @param rowsProcessed rows done at promotion
 * @param reason the evidence (quota done, gates green for K samples, invariants passed, approval)
 * @param atMillis wall-clock time, in milliseconds since the epoch
 */
public record PhaseChange(String migration, String from, String to, long rowsProcessed, String reason,
        long atMillis) {
}
