package io.migobs;

import io.migobs.internal.Checks;

/**
 * How often an {@link Invariant} runs. Every invariant also runs at each phase boundary (it gates promotion) and
 * once when the run completes (the closeout's verification).
 *
 * <p>Immutable and thread-safe.
 */
public final class Cadence {
    private final long everyRows;
    private final int everyBatches;

    private Cadence(long everyRows, int everyBatches) {
        this.everyRows = everyRows;
        this.everyBatches = everyBatches;
    }

    /**
     * After every {@code rows} completed rows (checked when a batch completes).
     *
     * @param rows positive
     * @return the cadence
     * @throws IllegalArgumentException if not positive
     */
    public static Cadence everyRows(long rows) {
        return new Cadence(Checks.positive(rows, "invariant cadence rows"), 0);
    }

    /**
     * After every {@code batches} completed batches.
     *
     * @param batches positive
     * @return the cadence
     * @throws IllegalArgumentException if not positive
     */
    public static Cadence everyBatches(int batches) {
        return new Cadence(0, (int) Checks.positive(batches, "invariant cadence batches"));
    }

    /**
     * After every batch.
     *
     * @return the cadence
     */
    public static Cadence everyBatch() {
        return everyBatches(1);
    }

    /**
     * Only at phase boundaries and at the end.
     *
     * @return the cadence
     */
    public static Cadence atPhaseEnds() {
        return new Cadence(0, 0);
    }

    /** @return rows between checks, or 0 when the cadence is not by rows */
    public long rows() {
        return everyRows;
    }

    /** @return batches between checks, or 0 when the cadence is not by batches */
    public int batches() {
        return everyBatches;
    }

    @Override
    public String toString() {
        if (everyRows > 0) {
            return "every " + everyRows + " rows";
        }
        if (everyBatches > 0) {
            return everyBatches == 1 ? "every batch" : "every " + everyBatches + " batches";
        }
        return "at phase ends";
    }
}
