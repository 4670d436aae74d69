package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Gates with a target steer the run's pace; the recommended backfill gates. */
class SteeringTest {

    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void recommendedBackfillGatesWatchLagAndInflationAndExportTheLag() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        ScriptedSignal inflation = ScriptedSignal.named("inflation", "ratio").values(1);
        MigrationPlan plan = MigrationPlan.builder("m").recommendedBackfillGates(lag, inflation).build();
        assertThat(plan.replicaLag()).isSameAs(lag);
        assertThat(plan.gates()).extracting(Gate::name).containsExactly("replica.lag", "latency.inflation");
        Gate l = plan.gates().get(0);
        assertThat(l.yellowThreshold()).isEqualTo(5);
        assertThat(l.redThreshold()).isEqualTo(30);
        assertThat(l.targetValue()).isEqualTo(0.3);
        Gate i = plan.gates().get(1);
        assertThat(i.yellowThreshold()).isEqualTo(2.0);
        assertThat(i.redThreshold()).isEqualTo(4.0);
        assertThat(i.targetValue()).isEqualTo(1.9);
        assertThat(i.maxAge()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void recommendedBackfillGatesRejectANullSignal() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        assertThatThrownBy(() -> MigrationPlan.builder("m").recommendedBackfillGates(lag, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("latencyInflation");
    }

    @Test
    void aTargetMustLieOnTheGoodSideOfYellow() {
        ScriptedSignal s = ScriptedSignal.named("lag", "seconds").values(0);
        assertThatThrownBy(() -> Gate.builder("lag", s).yellowAbove(5).target(6).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target 6.0 must be above 0 and below the yellow threshold 5.0 for gate 'lag'");
        assertThatThrownBy(() -> Gate.builder("free", s).yellowBelow(0.2).target(0.1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target 0.1 must be above the yellow threshold 0.2 for gate 'free'");
        assertThatThrownBy(() -> Gate.builder("lag", s).yellowAbove(5).target(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target of gate 'lag'");
        assertThat(Gate.builder("lag", s).yellowAbove(5).build().hasTarget()).isFalse();
        assertThat(Gate.builder("lag", s).yellowAbove(5).build().targetValue()).isNaN();
    }

    @Test
    void aLevelBelowTargetRaisesThePaceAndAboveTargetLowersIt() {
        ScriptedSignal load = ScriptedSignal.named("load", "ratio").repeat(1.0, 6).repeat(3.0, 3);
        MigrationPlan plan = MigrationPlan.builder("m").totalRows(10_000_000)
                .gate(Gate.builder("load", load).yellowAbove(4).target(2).build()).build();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            double first = paceAfter(run, 1);
            double grown = paceAfter(run, 5);
            assertThat(first).isPositive();
            assertThat(grown).isGreaterThan(first);
            double cut = paceAfter(run, 2);
            assertThat(cut).isLessThan(grown);
            assertThat(run.state()).isEqualTo(RunState.RUNNING); // steering is not throttling
        }
    }

    @Test
    void batchesCarryAtMostATenthOfASecondOfPace() {
        ScriptedSignal load = ScriptedSignal.named("load", "ratio").values(1.0);
        MigrationPlan plan = MigrationPlan.builder("m").totalRows(10_000_000).batchSize(5000, 10, 10_000)
                .gate(Gate.builder("load", load).yellowAbove(4).target(2).build()).build();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            Batch b = run.nextBatch();
            // slow start: one initial batch per second, so a tenth of a second of it
            assertThat(b.size()).isEqualTo(500);
            assertThat(run.progress().rateLimit()).isEqualTo(5000);
            b.complete(b.size());
        }
    }

    @Test
    void aGrowingReplicaLagCutsThePaceToTheReplicasMeasuredApplyRate() {
        // six readings of zero lag (slow start), then a lag growing by 0.5 s per second: the replica applies about
        // half of what the run commits, and the pace must drop to about that
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").repeat(0, 6).values(1.0, 1.5, 2.0, 2.5);
        ScriptedSignal inflation = ScriptedSignal.named("inflation", "ratio").values(1.0);
        MigrationPlan plan = MigrationPlan.builder("m").totalRows(100_000_000).batchSize(1000, 50, 10_000)
                .recommendedBackfillGates(lag, inflation).build();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            paceAfter(run, 5);
            double before = run.report().rowsProcessed();
            double pace = paceAfter(run, 1);
            double committed = run.report().rowsProcessed() - before; // rows per second at that pace
            assertThat(pace).isGreaterThan(1_000);
            double withLag = paceAfter(run, 3);
            // applied ≈ committed / 2; the lag is far above its 0.5 s target, so the pace is the apply rate / 1.5 (the
            // fastest drain allowed) — a level-style cut by target / value would go to a quarter
            assertThat(withLag).isLessThan(committed * 0.6).isGreaterThan(committed * 0.28);
            assertThat(run.state()).isEqualTo(RunState.RUNNING);
        }
    }

    /** Runs batches of 10 ms for {@code seconds} of manual time; returns the rate limit then. */
    private double paceAfter(MigrationRun run, int seconds) {
        long end = time.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (time.nanoTime() < end && run.hasNext()) {
            Batch b = run.nextBatch();
            time.advance(Duration.ofMillis(10));
            b.complete(b.size());
        }
        return run.progress().rateLimit();
    }
}
