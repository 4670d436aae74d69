package io.migobs;

/**
 * A batch starting or ending.
 *
 * @param migration the plan's name
 * @param phase the phase the batch belongs to
 * @param sequence the batch number, from 1
 * @param size the rows asked for
 * @param rows the rows processed (0 at start and on failure)
 * @param durationNanos how long the batch took, in nanoseconds (0 at start)
 * @param cursor the cursor reported on completion, or null
 * @param error the failure, or null
 */
public record BatchEvent(String migration, String phase, long sequence, int size, long rows, long durationNanos,
        Object cursor, Throwable error) {

    /** @return whether this event reports a failed batch */
    public boolean failed() {
        return error != null;
    }
}
