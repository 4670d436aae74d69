package io.migobs;

import io.migobs.internal.Checks;

/**
 * The outcome of one {@link Invariant} check.
 *
 * @param passed whether the check passed
 * @param rowsSampled how many rows it examined (0 when not applicable)
 * @param message what was found; for a failure, what is wrong (a mismatching key range)
 */
public record InvariantResult(boolean passed, long rowsSampled, String message) {

    /**
     * Validates the fields.
     *
     * @param passed whether the check passed
     * @param rowsSampled how many rows it examined (0 when not applicable)
     * @param message what was found; for a failure, what is wrong (a mismatching key range)
     * @throws NullPointerException if message is null
     * @throws IllegalArgumentException if rowsSampled is negative
     */
    public InvariantResult {
        Checks.notNull(message, "invariant message");
        Checks.notNegative(rowsSampled, "rowsSampled");
    }

    /**
     * A passed check.
     *
     * @param rowsSampled rows examined, at least 0
     * @return the result
     */
    public static InvariantResult pass(long rowsSampled) {
        return new InvariantResult(true, rowsSampled, "ok");
    }

    /**
     * A failed check.
     *
     * @param rowsSampled rows examined, at least 0
     * @param message what is wrong
     * @return the result
     */
    public static InvariantResult fail(long rowsSampled, String message) {
        return new InvariantResult(false, rowsSampled, message);
    }
}
