package io.migobs;

import java.util.List;

/**
 * A go/no-go verdict with its evidence: the result of a canary phase, or of a one-shot check before a step that is
 * not a loop (a cutover, a switch of reads).
 *
 * @param go whether every gate read green and every invariant passed
 * @param summary one line: GO, or NO-GO with the reasons
 * @param gates the reading of every gate
 * @param invariants the result of every invariant
 * @param atMillis wall-clock time, in milliseconds since the epoch
 */
public record Verdict(boolean go, String summary, List<GateReading> gates, List<InvariantOutcome> invariants,
        long atMillis) {

    /**
     * Copies the lists. Validates and copies the fields.
     *
     * @param go whether every gate read green and every invariant passed
     * @param summary one line: GO, or NO-GO with the reasons
     * @param gates the reading of every gate
     * @param invariants the result of every invariant
     * @param atMillis wall-clock time, in milliseconds since the epoch
     */
    public Verdict {
        gates = List.copyOf(gates);
        invariants = List.copyOf(invariants);
    }

    /**
     * One gate's evidence.
     *
     * @param gate the gate's name
     * @param state its level on this evaluation
     * @param value the value read, in {@code unit}, or NaN
     * @param yellow the effective yellow threshold, or NaN
     * @param red the effective red threshold, or NaN
     * @param unit the signal's unit
     * @param detail what was seen
     */
    public record GateReading(String gate, GateState state, double value, double yellow, double red, String unit,
            String detail) {
    }
}
