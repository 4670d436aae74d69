package io.migobs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The closeout of a run: outcome, rows, durations, every decision change with its values, invariant results. Valid
 * at any time ({@link MigrationRun#report()}); final once {@link #state()} is terminal.
 *
 * @param migration the plan's name
 * @param state the run's state (terminal once ended)
 * @param reason why it ended (or null while running / when completed normally)
 * @param startedAtMillis wall-clock start, in milliseconds since the epoch
 * @param endedAtMillis wall-clock end, or 0 while running
 * @param rowsProcessed rows done including rows resumed from a checkpoint
 * @param rowsResumed rows that were already done when the run started (from a checkpoint)
 * @param batches batches completed
 * @param failedBatches batches failed
 * @param elapsed time from start to end (or now)
 * @param throttled time spent throttled
 * @param paused time spent paused, awaiting approval or stabilizing
 * @param effectiveRowsPerSecond rows of this run ÷ elapsed
 * @param finalBatchSize the controller's batch size at the end, in rows
 * @param phasesCompleted the phases finished, in order
 * @param baselines pre-flight baseline per gate
 * @param gateChanges every gate state change
 * @param decisions every decision change
 * @param phaseChanges every promotion
 * @param invariants a summary per invariant
 * @param rolledBack whether the rollback hook ran successfully
 * @param rollbackError the rollback hook's failure, or null
 * @param verdict the canary verdict when the run stopped at a phase boundary, or null
 */
public record RunReport(String migration, RunState state, String reason, long startedAtMillis, long endedAtMillis,
        long rowsProcessed, long rowsResumed, long batches, long failedBatches, Duration elapsed, Duration throttled,
        Duration paused, double effectiveRowsPerSecond, int finalBatchSize, List<String> phasesCompleted,
        Map<String, Double> baselines, List<GateChange> gateChanges, List<DecisionChange> decisions,
        List<PhaseChange> phaseChanges, List<InvariantSummary> invariants, boolean rolledBack, String rollbackError,
        Verdict verdict) {

    /**
     * Copies the collections. Validates and copies the fields.
     *
     * @param migration the plan's name
     * @param state the run's state (terminal once ended)
     * @param reason why it ended (or null while running / when completed normally)
     * @param startedAtMillis wall-clock start, in milliseconds since the epoch
     * @param endedAtMillis wall-clock end, or 0 while running
     * @param rowsProcessed rows done including rows resumed from a checkpoint
     * @param rowsResumed rows that were already done when the run started (from a checkpoint)
     * @param batches batches completed
     * @param failedBatches batches failed
     * @param elapsed time from start to end (or now)
     * @param throttled time spent throttled
     * @param paused time spent paused, awaiting approval or stabilizing
     * @param effectiveRowsPerSecond rows of this run ÷ elapsed
     * @param finalBatchSize the controller's batch size at the end, in rows
     * @param phasesCompleted the phases finished, in order
     * @param baselines pre-flight baseline per gate
     * @param gateChanges every gate state change
     * @param decisions every decision change
     * @param phaseChanges every promotion
     * @param invariants a summary per invariant
     * @param rolledBack whether the rollback hook ran successfully
     * @param rollbackError the rollback hook's failure, or null
     * @param verdict the canary verdict when the run stopped at a phase boundary, or null
     */
    public RunReport {
        phasesCompleted = List.copyOf(phasesCompleted);
        baselines = Map.copyOf(baselines);
        gateChanges = List.copyOf(gateChanges);
        decisions = List.copyOf(decisions);
        phaseChanges = List.copyOf(phaseChanges);
        invariants = List.copyOf(invariants);
    }

    /** @return whether the run completed every row with every invariant passing */
    public boolean succeeded() {
        return state == RunState.COMPLETED && invariants.stream().allMatch(i -> i.failures() == 0);
    }

    /**
     * The results of one invariant over the run.
     *
     * @param name the invariant's name
     * @param checks how many times it ran
     * @param failures how many runs failed
     * @param rowsSampled rows examined over all runs
     * @param lastMessage the last result's message
     * @param failureMessages every failure's message, in order
     */
    public record InvariantSummary(String name, long checks, long failures, long rowsSampled, String lastMessage,
            List<String> failureMessages) {
        /**
         * Copies the list. Validates and copies the fields.
         *
         * @param name the invariant's name
         * @param checks how many times it ran
         * @param failures how many runs failed
         * @param rowsSampled rows examined over all runs
         * @param lastMessage the last result's message
         * @param failureMessages every failure's message, in order
         */
        public InvariantSummary {
            failureMessages = List.copyOf(failureMessages);
        }
    }
}
