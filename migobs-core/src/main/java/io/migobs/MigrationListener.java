package io.migobs;

import java.util.Map;

/**
 * Receives every event of a {@link MigrationRun}: the extension point through which metrics and tracing bridges
 * (OpenTelemetry, Spring Batch, a console view) plug in without touching the core. Every method has an empty
 * default, so implement only what you need.
 *
 * <p><b>Threading.</b> Methods are called synchronously while the run's internal lock is held, on the thread that
 * caused the event ({@link #onBatchStart} on the thread that will do the batch's work, so a tracing listener may
 * make its span current there). They must be quick and must not block; they may call the run's control methods.
 * An exception thrown by a listener is logged and otherwise ignored: a listener can never break a run.
 */
public interface MigrationListener {

    /**
     * The listener was registered on this run: called once, before any other event (from
     * {@link MigrationRun.Builder#start()} before pre-flight, or from {@link MigrationRun#addListener}). Lets a
     * listener read {@link MigrationRun#progress()} later, for example from a metrics callback on another thread.
     * Called without the run's lock held.
     *
     * @param run the run this listener observes
     */
    default void onAttach(MigrationRun run) {
    }

    /**
     * The run started (after the pre-flight baselines).
     *
     * @param plan the plan
     * @param baselines baseline value per gate name measured in pre-flight (empty when none was needed)
     */
    default void onStart(MigrationPlan plan, Map<String, Double> baselines) {
    }

    /**
     * A batch was handed out and its work begins now.
     *
     * @param event the batch: rows and duration are zero
     */
    default void onBatchStart(BatchEvent event) {
    }

    /**
     * A batch completed or failed.
     *
     * @param event the batch, with rows, duration and, for a failure, the error
     */
    default void onBatchEnd(BatchEvent event) {
    }

    /**
     * A gate changed state.
     *
     * @param change the change with the value and thresholds behind it
     */
    default void onGateChange(GateChange change) {
    }

    /**
     * The run's decision changed (proceed, throttle, pause, abort, stabilize).
     *
     * @param change the change
     */
    default void onDecision(DecisionChange change) {
    }

    /**
     * The run moved to the next phase.
     *
     * @param change the promotion
     */
    default void onPhaseChange(PhaseChange change) {
    }

    /**
     * The run's state changed (running, throttled, paused, awaiting approval, stabilizing, a terminal state).
     *
     * @param change the change
     */
    default void onStateChange(StateChange change) {
    }

    /**
     * An invariant ran.
     *
     * @param outcome its result
     */
    default void onInvariant(InvariantOutcome outcome) {
    }

    /**
     * A red gate fired on a migration whose rollback is impossible: a human must decide.
     *
     * @param reason what happened, with the gate, value and threshold
     */
    default void onEscalation(String reason) {
    }

    /**
     * The periodic progress snapshot (every {@link MigrationPlan#progressLogInterval()}).
     *
     * @param snapshot where the run is
     */
    default void onProgress(ProgressSnapshot snapshot) {
    }

    /**
     * The run ended (completed, aborted, stopped) and will start no more batches.
     *
     * @param report the closeout
     */
    default void onFinish(RunReport report) {
    }
}
