package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Canary → ramp → full: quotas, promotion evidence, approval, canary verdicts. */
class PhaseTest {
    private final ManualTimeSource time = new ManualTimeSource();

    private static MigrationPlan.Builder threePhases(ScriptedSignal lag) {
        return MigrationPlan.builder("m").totalRows(100_000).batchSize(3000, 100, 10_000)
                .phase(Phase.builder("canary").rows(10_000).maxBatchSize(1000).build())
                .phase(Phase.builder("ramp").untilFraction(0.5).build())
                .phase(Phase.builder("full").build())
                .gate(Gate.builder("lag", lag).yellowAbove(5).holdSamples(1).recoverSamples(1).build());
    }

    @Test
    void batchesNeverStraddleAPhaseBoundaryAndRespectThePhaseCap() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        List<String> phaseOfBatch = new ArrayList<>();
        List<Long> rowsAtBatchEnd = new ArrayList<>();
        try (MigrationRun run = MigrationRun.builder(threePhases(lag).build()).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofMillis(300), b -> {
                phaseOfBatch.add(b.phase());
                if (b.phase().equals("canary")) {
                    assertThat(b.size()).isLessThanOrEqualTo(1000);
                }
            });
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(r.phasesCompleted()).containsExactly("canary", "ramp", "full");
            assertThat(r.phaseChanges()).extracting(PhaseChange::rowsProcessed).containsExactly(10_000L, 50_000L);
            assertThat(r.phaseChanges().get(0).reason())
                    .isEqualTo("quota done at 10000 rows; every gate green for the last 3 samples; invariants passed");
        }
    }

    @Test
    void promotionWaitsUntilEveryGateIsGreenForTheLastKSamples() {
        // lag is yellow around the end of the canary: promotion waits until 3 green samples in a row
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").repeat(0, 9).repeat(8, 3).repeat(0, 1000);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(20_000).batchSize(1000, 1000, 1000)
                .phase(Phase.builder("canary").rows(10_000).build()).phase(Phase.builder("full").build())
                .gate(Gate.builder("lag", lag).yellowAbove(5).holdSamples(1).recoverSamples(1).build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofSeconds(1));
            RunReport r = run.report();
            assertThat(r.phaseChanges()).singleElement().satisfies(c -> assertThat(c.atMillis())
                    // 10 canary batches end at t=10 s; samples at 10,11 are 8 (yellow), then 3 greens at 12,13,14
                    .isGreaterThanOrEqualTo(time.wallTimeMillis() - time.elapsed().toMillis() + 14_000));
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        }
    }

    @Test
    void aPhaseThatRequiresApprovalWaitsForApprove() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(2_000).batchSize(500, 500, 500)
                .phase(Phase.builder("canary").rows(1_000).requireApproval().build())
                .phase(Phase.builder("full").build())
                .gate(Gate.builder("lag", lag).yellowAbove(5).build()).build();
        List<String> events = new ArrayList<>();
        MigrationRun[] holder = new MigrationRun[1];
        MigrationListener l = new MigrationListener() {
            @Override
            public void onStateChange(StateChange c) {
                events.add("state:" + c.to());
                if (c.to() == RunState.AWAITING_APPROVAL) {
                    time.advance(Duration.ofMinutes(10)); // a human reads the canary dashboard
                    holder[0].approve();
                }
            }

            @Override
            public void onPhaseChange(PhaseChange c) {
                events.add("phase:" + c.to());
            }
        };
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).listener(l).start()) {
            holder[0] = run;
            Loop.drain(run, time, Duration.ofMillis(100));
            assertThat(events).containsSubsequence("state:AWAITING_APPROVAL", "phase:full", "state:RUNNING",
                    "state:COMPLETED");
            assertThat(run.report().phaseChanges().get(0).reason()).endsWith("approved");
            assertThat(run.report().paused()).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
        }
    }

    @Test
    void aLibraryDrivenCanaryStopsWithAGoVerdict() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0.5);
        try (MigrationRun run = MigrationRun.builder(threePhases(lag)
                .invariant("sample", Cadence.atPhaseEnds(), c -> InvariantResult.pass(100)).build())
                .timeSource(time).stopAfterPhase("canary").start()) {
            Loop.drain(run, time, Duration.ofMillis(100));
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.STOPPED);
            assertThat(r.rowsProcessed()).isEqualTo(10_000);
            assertThat(r.verdict().go()).isTrue();
            assertThat(r.verdict().summary()).isEqualTo("GO: every gate green, every invariant passed");
            assertThat(r.verdict().gates()).extracting(Verdict.GateReading::gate).containsExactly("lag");
            assertThat(r.verdict().invariants()).extracting(InvariantOutcome::invariant).containsExactly("sample");
        }
    }

    @Test
    void aCanaryWithAYellowGateAtTheEndIsNoGo() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").repeat(0.5, 10).repeat(7, 100);
        try (MigrationRun run = MigrationRun.builder(threePhases(lag).build()).timeSource(time)
                .stopAfterPhase("canary").start()) {
            Loop.drain(run, time, Duration.ofSeconds(1));
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.STOPPED);
            assertThat(r.verdict().go()).isFalse();
            assertThat(r.verdict().summary()).startsWith("NO-GO: gate 'lag' not green for the last 3 samples")
                    .contains("last value 7 seconds");
        }
    }

    @Test
    void aFailedInvariantAtThePhaseEndBlocksPromotionAndAborts() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        MigrationPlan p = threePhases(lag).invariant("checksum", Cadence.atPhaseEnds(),
                c -> InvariantResult.fail(1000, "rows (0, 10000]: source 5d41 != target 7c2a")).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofMillis(100));
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.ABORTED);
            assertThat(r.reason()).isEqualTo("invariant 'checksum' failed: rows (0, 10000]: source 5d41 != target 7c2a");
            assertThat(r.phaseChanges()).isEmpty();
            assertThat(r.rowsProcessed()).isEqualTo(10_000);
        }
    }

    @Test
    void resumingPastAPhaseQuotaStartsInTheRightPhase() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        try (MigrationRun run = MigrationRun.builder(threePhases(lag).build()).timeSource(time)
                .resumeFrom(60_000, 60_000L).start()) {
            assertThat(run.currentPhase()).isEqualTo("full");
            assertThat(run.progress().fraction()).isEqualTo(0.6);
            Loop.drain(run, time, Duration.ofSeconds(1));
            RunReport r = run.report();
            assertThat(r.rowsProcessed()).isEqualTo(100_000);
            assertThat(r.rowsResumed()).isEqualTo(60_000);
            assertThat(r.phasesCompleted()).containsExactly("canary", "ramp", "full");
        }
    }
}
