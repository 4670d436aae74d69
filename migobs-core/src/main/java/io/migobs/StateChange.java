package io.migobs;

/**
 * The run's state changed.
 *
 * @param migration the plan's name
 * @param phase the current phase
 * @param from the previous state
 * @param to the new state
 * @param reason why
 * @param atMillis wall-clock time, in milliseconds since the epoch
 */
public record StateChange(String migration, String phase, RunState from, RunState to, String reason, long atMillis) {
}
