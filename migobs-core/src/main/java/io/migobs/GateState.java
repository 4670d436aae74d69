package io.migobs;

/**
 * The state of one gate, and of a run as the worst of its gates.
 *
 * <p>The exported numeric {@link #code()} is stable: 0 green, 1 yellow, 2 red, 3 unknown. {@code UNKNOWN} is never
 * treated as green; a gate's {@link Gate.UnknownPolicy} decides whether it acts as yellow or red.
 */
public enum GateState {
    /** Within limits: proceed. */
    GREEN(0),
    /** Above the yellow threshold for the hold window: throttle or pause. */
    YELLOW(1),
    /** Above the red threshold for the hold window: abort (or stop and stabilize). */
    RED(2),
    /** The signal could not be read (threw, timed out, returned NaN/infinite/negative, or is stale). */
    UNKNOWN(3);

    private final int code;

    GateState(int code) {
        this.code = code;
    }

    /**
     * The number exported to metrics for this state.
     *
     * @return 0 green, 1 yellow, 2 red, 3 unknown
     */
    public int code() {
        return code;
    }
}
