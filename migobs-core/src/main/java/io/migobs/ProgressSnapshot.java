package io.migobs;

import java.util.Map;

/**
 * Where a run is, at one instant. Rates are rows per second; times are seconds; NaN means "not known yet".
 *
 * @param migration the plan's name
 * @param phase the current phase
 * @param state the run's state
 * @param decision the current decision
 * @param rowsProcessed rows done, including rows resumed from a checkpoint
 * @param batches batches completed
 * @param failedBatches batches failed
 * @param fraction fraction done, 0..1 (never above 1; below 1 until done when the total is an estimate), or NaN
 * @param recentRowsPerSecond throughput over about the last 10 seconds
 * @param effectiveRowsPerSecond rows of this run ÷ elapsed time, including time throttled and paused
 * @param activeRowsPerSecond rows of this run ÷ time not paused and not waiting on the rate limit
 * @param etaSeconds time to completion at the effective rate (the honest ETA), or NaN
 * @param etaActiveSeconds time to completion at the active rate (if it never throttled again), or NaN
 * @param replicaLagSeconds last replica lag reading, or NaN
 * @param backlog how far the cursor trails the source's head, in keys, or NaN
 * @param batchSize the batch size the controller will hand out next, in rows
 * @param rateLimit the current rows-per-second cap, or 0 when none
 * @param elapsedSeconds time since the first batch could start
 * @param throttledSeconds time spent throttled
 * @param pausedSeconds time spent paused, awaiting approval or stabilizing
 * @param gates state per gate of the current phase
 * @param gateValues last value read per gate of the current phase, in the gate signal's unit (NaN when the last
 *        read failed or no sample was taken yet)
 */
public record ProgressSnapshot(String migration, String phase, RunState state, Decision decision, long rowsProcessed,
        long batches, long failedBatches, double fraction, double recentRowsPerSecond, double effectiveRowsPerSecond,
        double activeRowsPerSecond, double etaSeconds, double etaActiveSeconds, double replicaLagSeconds,
        double backlog, int batchSize, double rateLimit, double elapsedSeconds, double throttledSeconds,
        double pausedSeconds, Map<String, GateState> gates, Map<String, Double> gateValues) {

    /**
     * Copies the gate map. Validates and copies the fields.
     *
     * @param migration the plan's name
     * @param phase the current phase
     * @param state the run's state
     * @param decision the current decision
     * @param rowsProcessed rows done, including rows resumed from a checkpoint
     * @param batches batches completed
     * @param failedBatches batches failed
     * @param fraction fraction done, 0..1 (never above 1; below 1 until done when the total is an estimate), or NaN
     * @param recentRowsPerSecond throughput over about the last 10 seconds
     * @param effectiveRowsPerSecond rows of this run ÷ elapsed time, including time throttled and paused
     * @param activeRowsPerSecond rows of this run ÷ time not paused and not waiting on the rate limit
     * @param etaSeconds time to completion at the effective rate (the honest ETA), or NaN
     * @param etaActiveSeconds time to completion at the active rate (if it never throttled again), or NaN
     * @param replicaLagSeconds last replica lag reading, or NaN
     * @param backlog how far the cursor trails the source's head, in keys, or NaN
     * @param batchSize the batch size the controller will hand out next, in rows
     * @param rateLimit the current rows-per-second cap, or 0 when none
     * @param elapsedSeconds time since the first batch could start
     * @param throttledSeconds time spent throttled
     * @param pausedSeconds time spent paused, awaiting approval or stabilizing
     * @param gates state per gate of the current phase
     * @param gateValues last value read per gate of the current phase, in the gate signal's unit (NaN when the last
     *        read failed or no sample was taken yet)
     */
    public ProgressSnapshot {
        gates = Map.copyOf(gates);
        gateValues = Map.copyOf(gateValues);
    }
}
