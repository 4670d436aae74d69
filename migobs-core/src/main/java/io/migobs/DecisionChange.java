package io.migobs;

/**
 * The run's decision changed.
 *
 * @param migration the plan's name
 * @param phase the current phase
 * @param from the previous decision
 * @param to the new decision
 * @param reason why, naming the gate(s) and values
 * @param batchSize the batch size after the change, in rows
 * @param rateLimit the rows-per-second cap after the change, or 0 when none
 * @param atMillis wall-clock time, in milliseconds since the epoch
 */
public record DecisionChange(String migration, String phase, Decision from, Decision to, String reason,
        int batchSize, double rateLimit, long atMillis) {
}
