package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The callback form, one-shot go/no-go, baselines, misuse of batches, close. */
class RunApiTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void theCallbackFormRunsTheWholeLoop() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(10_000).batchSize(1000, 1000, 1000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            long[] cursor = {0};
            RunReport r = run.execute(b -> {
                time.advance(Duration.ofMillis(50));
                cursor[0] += b.size();
                b.complete(b.size(), cursor[0]);
            });
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(r.rowsProcessed()).isEqualTo(10_000);
            assertThat(run.cursor()).isEqualTo(10_000L);
            assertThatThrownBy(run::nextBatch).isInstanceOf(NoSuchElementException.class)
                    .hasMessage("migration 'm' has completed");
        }
    }

    @Test
    void workThatThrowsFailsItsBatchAndTheLoopGoesOn() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(3_000).batchSize(1000, 1000, 1000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            int[] calls = {0};
            RunReport r = run.execute(b -> {
                if (calls[0]++ == 1) {
                    throw new java.sql.SQLTransientException("deadlock");
                }
                b.complete(b.size());
            });
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(r.failedBatches()).isEqualTo(1);
            assertThat(r.rowsProcessed()).isEqualTo(3_000);
        }
    }

    @Test
    void workThatForgetsToFinishItsBatchIsAnError() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(3_000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            assertThatThrownBy(() -> run.execute(b -> { })).isInstanceOf(IllegalStateException.class)
                    .hasMessage("batch work returned without calling complete or fail on batch 1 of migration 'm'");
        }
    }

    @Test
    void aBatchCanBeFinishedOnlyOnce() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(3_000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Batch b = run.nextBatch();
            b.complete(10);
            assertThatThrownBy(() -> b.complete(10)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("batch 1 of migration 'm' is already finished");
            assertThatThrownBy(() -> b.fail(new RuntimeException())).isInstanceOf(IllegalStateException.class);
            assertThat(run.report().rowsProcessed()).isEqualTo(10);
        }
    }

    @Test
    void negativeRowsAreRejected() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(3_000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Batch b = run.nextBatch();
            assertThatThrownBy(() -> b.complete(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("rows of batch 1 cannot be negative but was -1");
            assertThat(b.isFinished()).isFalse();
        }
    }

    @Test
    void closingARunningRunAbortsItWithoutRollingBack() {
        List<String> rollbacks = new ArrayList<>();
        MigrationPlan p = MigrationPlan.builder("m").totalRows(3_000).onRollback(rollbacks::add, "nothing").build();
        MigrationRun run = MigrationRun.builder(p).timeSource(time).start();
        run.nextBatch().complete(100);
        run.close();
        assertThat(run.report().state()).isEqualTo(RunState.ABORTED);
        assertThat(run.report().reason()).isEqualTo("closed before completion");
        assertThat(rollbacks).isEmpty();
        run.close(); // idempotent
    }

    @Test
    void oneShotGoNoGoReadsEveryGateAndRunsEveryInvariant() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(1);
        ScriptedSignal errors = ScriptedSignal.named("app.errors", "ratio").values(0.02);
        MigrationPlan p = MigrationPlan.builder("cutover").type(MigrationType.CUTOVER)
                .gate(Gate.builder("lag", lag).yellowAbove(5).build())
                .gate(Gate.builder("errors", errors).yellowAbove(0.01).redAbove(0.05).build())
                .invariant("counts", Cadence.atPhaseEnds(), c -> InvariantResult.pass(1000)).build();
        Verdict v = MigrationRun.goNoGo(p, time);
        assertThat(v.go()).isFalse();
        assertThat(v.summary()).isEqualTo("NO-GO: gate 'errors' is YELLOW: value 0.02 ratio");
        assertThat(v.gates()).extracting(Verdict.GateReading::state).containsExactly(GateState.GREEN,
                GateState.YELLOW);
        assertThat(v.invariants()).singleElement().satisfies(o -> assertThat(o.result().passed()).isTrue());

        errors.set(0.001);
        assertThat(MigrationRun.goNoGo(p, time).go()).isTrue();
    }

    @Test
    void aFailedInvariantMakesTheOneShotNoGo() {
        MigrationPlan p = MigrationPlan.builder("cutover")
                .invariant("counts", Cadence.atPhaseEnds(), c -> InvariantResult.fail(10, "old 10 rows, new 9")).build();
        Verdict v = MigrationRun.goNoGo(p, time);
        assertThat(v.go()).isFalse();
        assertThat(v.summary()).isEqualTo("NO-GO: invariant 'counts' failed: old 10 rows, new 9");
    }

    @Test
    void relativeGatesUseABaselineMeasuredBeforeTheFirstBatch() {
        // pre-flight p99 latency ~ 20 ms; yellow at 1.5x = 30 ms, red at 3x = 60 ms
        ScriptedSignal p99 = ScriptedSignal.named("app.p99", "seconds").values(0.018, 0.02, 0.019, 0.02, 0.017)
                .repeat(0.035, 50);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1_000_000).baselineWindow(Duration.ofSeconds(4))
                .gate(Gate.builder("p99", p99).relativeToBaseline(Gate.BaselineStatistic.P99).yellowAbove(1.5)
                        .redAbove(3).holdSamples(2).build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(4));
            RunReport r = run.report();
            assertThat(r.baselines()).containsEntry("p99", 0.02);
            for (int i = 0; i < 3; i++) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofSeconds(1));
                b.complete(b.size());
            }
            assertThat(run.progress().gates()).containsEntry("p99", GateState.YELLOW);
            assertThat(run.report().gateChanges().get(0).yellow()).isEqualTo(0.03, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(run.report().gateChanges().get(0).red()).isEqualTo(0.06, org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    void aBaselineThatCannotBeMeasuredFailsTheStart() {
        ScriptedSignal p99 = ScriptedSignal.named("app.p99", "seconds").thenThrow(new RuntimeException("no metrics"));
        MigrationPlan p = MigrationPlan.builder("m").baselineWindow(Duration.ofSeconds(2))
                .gate(Gate.builder("p99", p99).relativeToBaseline(Gate.BaselineStatistic.MEDIAN).yellowAbove(1.5)
                        .build()).build();
        assertThatThrownBy(() -> MigrationRun.builder(p).timeSource(time).start())
                .isInstanceOf(MigrationException.class)
                .hasMessage("migration 'm': could not measure the baseline of gate 'p99': no valid reading of signal"
                        + " 'app.p99' in PT2S (last: read of signal 'app.p99' failed: RuntimeException: no metrics)");
    }
}
