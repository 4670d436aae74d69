package io.migobs;

/**
 * One run of an invariant.
 *
 * @param migration the plan's name
 * @param phase the current phase
 * @param invariant the invariant's name
 * @param result pass or fail, rows sampled, message
 * @param reason why it ran: {@code cadence}, {@code phase-end}, {@code final} or {@code go-no-go}
 * @param durationNanos how long the check took, in nanoseconds
 * @param atMillis wall-clock time, in milliseconds since the epoch
 */
public record InvariantOutcome(String migration, String phase, String invariant, InvariantResult result,
        String reason, long durationNanos, long atMillis) {
}
