package io.migobs;

/**
 * A gate moved from one state to another, with the evidence.
 *
 * @param migration the plan's name
 * @param phase the current phase
 * @param gate the gate's name
 * @param from the previous state
 * @param to the new state
 * @param value the sample that caused the change, in {@code unit}; NaN when the read failed
 * @param yellow the effective yellow threshold (a relative gate's multiple already applied); NaN when none
 * @param red the effective red threshold; NaN when none
 * @param unit the signal's unit
 * @param reason a sentence naming the value, the threshold and the hold window
 * @param atMillis wall-clock time of the change, in milliseconds since the epoch
 */
public record GateChange(String migration, String phase, String gate, GateState from, GateState to, double value,
        double yellow, double red, String unit, String reason, long atMillis) {
}
