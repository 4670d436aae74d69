package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the run does about its gates: throttle, pause, abort with rollback, stop and stabilize. */
class DecisionTest {

    private final ManualTimeSource time = new ManualTimeSource();

    private MigrationPlan.Builder plan(ScriptedSignal lag) {
        return MigrationPlan.builder("decisions").totalRows(1_000_000).batchSize(1000, 50, 10_000)
                .gate(Gate.builder("replica.lag", lag).yellowAbove(5).redAbove(30).holdSamples(3).build());
    }

    @Test
    void lagAboveYellowForThreeSamplesMakesTheNextBatchSmaller() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(0.2, 0.3).repeat(8, 20);
        // batches take 1 s, the target batch time: the controller holds the size while green
        MigrationPlan p = plan(lag).targetBatchTime(Duration.ofSeconds(1)).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            List<Integer> sizes = new ArrayList<>();
            List<Long> handedOutAt = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                handedOutAt.add(time.elapsed().toMillis()); // when asked (a rate-limit wait may follow)
                Batch b = run.nextBatch();
                sizes.add(b.size());
                time.advance(Duration.ofSeconds(1));
                b.complete(b.size());
            }
            assertThat(run.state()).isEqualTo(RunState.THROTTLED);
            // samples at 0, 1, 2, 3, 4 s: 0.2 0.3 8 8 8 -> yellow at 4 s: the batch handed out then is half the size
            assertThat(handedOutAt.subList(0, 5)).containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
            assertThat(sizes.subList(0, 4)).containsOnly(1000);
            assertThat(sizes.get(4)).isEqualTo(500);
            // still yellow, but the next cut waits a hold window (3 s) for the signal to show the first one
            long lastCut = 4000;
            int expected = 500;
            int cuts = 0;
            for (int i = 5; i < sizes.size(); i++) {
                if (handedOutAt.get(i) - lastCut >= 3000) {
                    expected /= 2;
                    lastCut = handedOutAt.get(i);
                    cuts++;
                }
                assertThat(sizes.get(i)).as("batch asked for at %d ms", handedOutAt.get(i)).isEqualTo(expected);
            }
            assertThat(cuts).isGreaterThanOrEqualTo(2);
            assertThat(run.progress().rateLimit()).isPositive();
            RunReport r = run.report();
            assertThat(r.decisions()).extracting(DecisionChange::to).containsExactly(Decision.THROTTLE);
            assertThat(r.decisions().get(0).reason())
                    .contains("gate 'replica.lag' is YELLOW: value 8 seconds above yellow threshold 5 for 3 samples");
        }
    }

    @Test
    void lagAboveRedForTheHoldWindowAbortsWithTheGateValueAndThreshold() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(1).repeat(40, 3);
        List<String> rollbacks = new ArrayList<>();
        MigrationPlan p = plan(lag).onRollback(rollbacks::add, "drop the new column").build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            List<Integer> sizes = Loop.drain(run, time, Duration.ofSeconds(1));
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.ABORTED);
            assertThat(r.reason()).isEqualTo(
                    "gate 'replica.lag' is RED: value 40 seconds above red threshold 30 for 3 samples (hold 3)");
            assertThat(sizes).hasSize(3); // samples 1, 40, 40 allowed a batch; the third 40 stopped the run
            assertThat(rollbacks).containsExactly(r.reason());
            assertThat(r.rolledBack()).isTrue();
            assertThatThrownBy(run::nextBatch).isInstanceOf(MigrationAbortedException.class)
                    .hasMessageContaining("run is ABORTED");
        }
    }

    @Test
    void noBatchStartsAfterARedDecisionEvenWithBatchesInFlight() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(40);
        MigrationPlan p = MigrationPlan.builder("m").gate(Gate.builder("lag", lag).redAbove(30).holdSamples(1).build())
                .build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            assertThat(run.hasNext()).isFalse();
            assertThat(run.report().batches()).isZero();
        }
    }

    @Test
    void aFailingRollbackIsReportedNotSwallowed() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(40);
        MigrationPlan p = MigrationPlan.builder("m")
                .gate(Gate.builder("lag", lag).redAbove(30).holdSamples(1).build())
                .onRollback(r -> {
                    throw new IllegalStateException("cannot drop column");
                }, "drop column").build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            assertThat(run.hasNext()).isFalse();
            assertThat(run.report().rolledBack()).isFalse();
            assertThat(run.report().rollbackError()).contains("cannot drop column");
        }
    }

    @Test
    void yellowWithThePauseActionStartsNoBatchUntilGreen() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0).repeat(8, 5).repeat(1, 10);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(300).batchSize(10, 10, 10)
                .gate(Gate.builder("lag", lag).yellowAbove(5).holdSamples(1).recoverSamples(2)
                        .onYellow(Gate.YellowAction.PAUSE).build()).build();
        List<RunState> statesAtBatchStart = new ArrayList<>();
        MigrationRun[] holder = new MigrationRun[1];
        MigrationListener l = new MigrationListener() {
            @Override
            public void onBatchStart(BatchEvent event) {
                statesAtBatchStart.add(holder[0].report().state());
            }
        };
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).listener(l).start()) {
            holder[0] = run;
            Loop.drain(run, time, Duration.ofMillis(100));
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(statesAtBatchStart).doesNotContain(RunState.PAUSED);
            assertThat(r.paused()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(r.decisions()).extracting(DecisionChange::to).containsExactly(Decision.PAUSE, Decision.PROCEED);
        }
    }

    @Test
    void redOnAMigrationThatCannotRollBackStopsAndStabilizesAndEscalates() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").repeat(40, 3).then(1);
        List<String> escalations = new ArrayList<>();
        AtomicInteger batchesWhileStabilizing = new AtomicInteger();
        MigrationRun[] holder = new MigrationRun[1];
        MigrationPlan p = MigrationPlan.builder("m").totalRows(100).batchSize(10, 10, 10)
                .rollback(RollbackComplexity.IMPOSSIBLE)
                .gate(Gate.builder("lag", lag).yellowAbove(5).redAbove(30).holdSamples(3).build()).build();
        MigrationListener l = new MigrationListener() {
            @Override
            public void onEscalation(String reason) {
                escalations.add(reason);
            }

            @Override
            public void onBatchStart(BatchEvent event) {
                if (holder[0].report().state() == RunState.STABILIZING) {
                    batchesWhileStabilizing.incrementAndGet();
                }
            }

            @Override
            public void onStateChange(StateChange change) {
                if (change.to() == RunState.STABILIZING) {
                    // a human looks, decides it is safe, resumes
                    time.advance(Duration.ofMinutes(5));
                    holder[0].resume();
                }
            }
        };
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).listener(l).start()) {
            holder[0] = run;
            Loop.drain(run, time, Duration.ofSeconds(1));
            RunReport r = run.report();
            assertThat(escalations).singleElement().asString()
                    .contains("gate 'lag' is RED: value 40 seconds above red threshold 30");
            // a red value throttles at once, the hold window makes it red; after the resume the gate is
            // recovering (its value is no longer red-level): it throttles, then proceeds
            assertThat(r.decisions()).extracting(DecisionChange::to)
                    .containsExactly(Decision.THROTTLE, Decision.STABILIZE, Decision.THROTTLE, Decision.PROCEED);
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(r.rowsProcessed()).isEqualTo(100);
            assertThat(batchesWhileStabilizing).hasValue(0);
            assertThat(r.paused()).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        }
    }

    @Test
    void manualPauseResumeAndAbortTakeEffectBeforeTheNextBatch() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1000).batchSize(10, 10, 10).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            run.nextBatch().complete(10);
            run.pause();
            assertThat(run.state()).isEqualTo(RunState.PAUSED);
            run.resume();
            assertThat(run.state()).isEqualTo(RunState.RUNNING);
            run.nextBatch().complete(10);
            run.abort("operator saw errors in the app");
            assertThat(run.hasNext()).isFalse();
            assertThat(run.report().reason()).isEqualTo("aborted by operator: operator saw errors in the app");
            assertThat(run.report().rowsProcessed()).isEqualTo(20);
            assertThatThrownBy(run::pause).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot pause migration 'm': run is ABORTED");
        }
    }

    @Test
    void tooManyConsecutiveFailuresAbort() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1000).batchSize(10, 10, 10).maxConsecutiveFailures(3)
                .build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            run.nextBatch().fail(new RuntimeException("boom 1"));
            run.nextBatch().complete(10);
            run.nextBatch().fail(new RuntimeException("boom 2"));
            run.nextBatch().fail(new RuntimeException("boom 3"));
            assertThat(run.hasNext()).isTrue();
            run.nextBatch().fail(new RuntimeException("boom 4"));
            assertThat(run.hasNext()).isFalse();
            RunReport r = run.report();
            assertThat(r.reason()).startsWith("3 consecutive batches failed (limit 3); last error:")
                    .contains("boom 4");
            assertThat(r.failedBatches()).isEqualTo(4);
            assertThat(r.rowsProcessed()).isEqualTo(10);
        }
    }

    @Test
    void theBuiltInErrorRateGateTurnsRed() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(100_000).batchSize(10, 10, 10)
                .maxConsecutiveFailures(1000)
                .gate(Gate.builder("errors", Signals.batchErrorRate()).yellowAbove(0.01).redAbove(0.2)
                        .holdSamples(1).build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            int i = 0;
            while (run.hasNext()) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(100));
                if (i++ % 2 == 0) {
                    b.fail(new RuntimeException("deadlock"));
                } else {
                    b.complete(10);
                }
            }
            assertThat(run.report().state()).isEqualTo(RunState.ABORTED);
            assertThat(run.report().reason()).contains("gate 'errors' is RED").contains("above red threshold 0.2");
        }
    }

    @Test
    void anAdapterCanReportRedWhichAbortsAndRollsBackLikeARedGate() {
        List<String> rollbacks = new ArrayList<>();
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1000).batchSize(10, 10, 10)
                .onRollback(rollbacks::add, "undo").build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            run.nextBatch().fail(new RuntimeException("deadlock"));
            run.reportRed("retry budget of 3 retries exhausted at keys (0, 10]");
            assertThat(run.hasNext()).isFalse();
            assertThat(run.report().reason()).isEqualTo("retry budget of 3 retries exhausted at keys (0, 10]");
            assertThat(rollbacks).containsExactly("retry budget of 3 retries exhausted at keys (0, 10]");
        }
    }

    @Test
    void anAdapterReportingRedOnAnIrreversibleMigrationStopsAndStabilizes() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1000).rollback(RollbackComplexity.IMPOSSIBLE).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            run.reportRed("permanent error at keys (0, 10]");
            assertThat(run.state()).isEqualTo(RunState.STABILIZING);
            run.abort("operator gave up");
            assertThat(run.hasNext()).isFalse();
        }
    }
}
