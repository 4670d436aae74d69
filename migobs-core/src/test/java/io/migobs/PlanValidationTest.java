package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One test per validation rule: bad input is rejected with a message naming the field and the value. */
class PlanValidationTest {

    private static final Signal LAG = ScriptedSignal.named("replica.lag", "seconds").values(0);

    private static Gate lagGate(String name) {
        return Gate.builder(name, LAG).yellowAbove(5).redAbove(30).build();
    }

    @Test
    void nullPlanNameIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("plan name cannot be null");
    }

    @Test
    void blankPlanNameIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plan name cannot be blank");
    }

    @Test
    void planNameWithSpecialCharactersIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("drop table; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plan name 'drop table; --'");
    }

    @Test
    void negativeInitialBatchSizeIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").batchSize(-5, 1, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initial batch size must be positive but was -5");
    }

    @Test
    void zeroMinBatchSizeIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").batchSize(10, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("min batch size must be positive but was 0");
    }

    @Test
    void minAboveMaxIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").batchSize(100, 500, 200))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min batch size 500 must not exceed max batch size 200");
    }

    @Test
    void initialOutsideBoundsIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").batchSize(20_000, 50, 10_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initial batch size 20000 must be within [50, 10000]");
    }

    @Test
    void nonPositiveTotalRowsIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").totalRows(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("totalRows must be positive but was 0");
    }

    @Test
    void nonPositiveRateIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").maxRowsPerSecond(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRowsPerSecond must be positive but was -1.0");
    }

    @Test
    void nanRateIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").maxRowsPerSecond(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRowsPerSecond must be a finite number but was NaN");
    }

    @Test
    void zeroTargetBatchTimeIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").targetBatchTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("targetBatchTime must be positive but was PT0S");
    }

    @Test
    void errorBudgetAboveOneIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").errorBudget(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("errorBudget must be in (0, 1] but was 1.5");
    }

    @Test
    void invertedKeyRangeIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").keyRange(100, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("keyRange max 100 must be above min 100");
    }

    @Test
    void yellowBeyondRedIsRejected() {
        assertThatThrownBy(() -> Gate.builder("replica.lag", LAG).yellowAbove(40).redAbove(30).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("yellow threshold 40.0 must be below red threshold 30.0 for gate 'replica.lag'");
    }

    @Test
    void yellowBeyondRedIsRejectedForBelowGates() {
        assertThatThrownBy(() -> Gate.builder("free.disk", LAG).yellowBelow(0.1).redBelow(0.2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("yellow threshold 0.1 must be above red threshold 0.2 for gate 'free.disk'");
    }

    @Test
    void mixedDirectionsAreRejected() {
        assertThatThrownBy(() -> Gate.builder("g", LAG).yellowAbove(1).redBelow(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("gate 'g' mixes directions: redBelow cannot follow a threshold above");
    }

    @Test
    void gateWithoutThresholdIsRejected() {
        assertThatThrownBy(() -> Gate.builder("g", LAG).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gate 'g' needs a yellow or a red threshold");
    }

    @Test
    void gateWithoutSignalIsRejected() {
        assertThatThrownBy(() -> Gate.builder("g", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("signal of gate 'g' cannot be null");
    }

    @Test
    void infiniteThresholdIsRejected() {
        assertThatThrownBy(() -> Gate.builder("g", LAG).redAbove(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("red threshold of gate 'g' must be a finite number but was Infinity");
    }

    @Test
    void zeroHoldSamplesIsRejected() {
        assertThatThrownBy(() -> Gate.builder("g", LAG).holdSamples(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdSamples of gate 'g' must be positive but was 0");
    }

    @Test
    void zeroSampleIntervalIsRejected() {
        assertThatThrownBy(() -> Gate.builder("g", LAG).sampleInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sampleInterval of gate 'g' must be positive but was PT0S");
    }

    @Test
    void nonPositiveRelativeMultipleIsRejected() {
        assertThatThrownBy(() -> Gate.builder("p99", LAG).relativeToBaseline(Gate.BaselineStatistic.P99)
                .yellowAbove(-1.5).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("relative yellow threshold -1.5 must be a positive multiple of the baseline for gate 'p99'");
    }

    @Test
    void duplicateGateNamesAreRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").gate(lagGate("lag")).gate(lagGate("lag")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate gate name 'lag'");
    }

    @Test
    void phaseGateClashingWithPlanGateIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").gate(lagGate("lag"))
                .phase(Phase.builder("canary").rows(10).gate(lagGate("lag")).build()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate gate name 'lag' in phase 'canary'");
    }

    @Test
    void duplicatePhaseNamesAreRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").phase(Phase.builder("a").rows(10).build())
                .phase(Phase.builder("a").build()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate phase name 'a'");
    }

    @Test
    void emptyPhaseQuotaIsRejected() {
        assertThatThrownBy(() -> Phase.builder("canary").rows(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows of phase 'canary' must be positive but was 0");
    }

    @Test
    void zeroFractionQuotaIsRejected() {
        assertThatThrownBy(() -> Phase.builder("ramp").untilFraction(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("untilFraction of phase 'ramp' must be in (0, 1] but was 0.0");
    }

    @Test
    void phaseWithRowsAndFractionIsRejected() {
        assertThatThrownBy(() -> Phase.builder("ramp").rows(10).untilFraction(0.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("phase 'ramp' already has rows 10; it cannot also end at fraction 0.5");
    }

    @Test
    void openEndedPhaseBeforeTheLastIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").phase(Phase.builder("canary").build())
                .phase(Phase.builder("full").build()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'canary' has no quota but is not the last phase (phase 'full' follows)");
    }

    @Test
    void decreasingFractionQuotasOverlap() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").totalRows(1000)
                .phase(Phase.builder("ramp1").untilFraction(0.5).build())
                .phase(Phase.builder("ramp2").untilFraction(0.2).build())
                .phase(Phase.builder("full").build()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'ramp2' untilFraction 0.2 overlaps the previous phase, which ends at fraction 0.5");
    }

    @Test
    void fractionQuotaBelowEarlierRowQuotasOverlaps() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").totalRows(100_000)
                .phase(Phase.builder("canary").rows(20_000).build())
                .phase(Phase.builder("ramp").untilFraction(0.1).build())
                .phase(Phase.builder("full").build()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'ramp' untilFraction 0.1 (row 10000 of 100000) overlaps the previous phases,"
                        + " which end at row 20000");
    }

    @Test
    void rowQuotaBeyondTotalIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").totalRows(1000)
                .phase(Phase.builder("canary").rows(2000).build()).phase(Phase.builder("full").build()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'canary' ends at row 2000, beyond totalRows 1000");
    }

    @Test
    void fractionQuotaWithoutTotalIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").phase(Phase.builder("ramp").untilFraction(0.1).build())
                .phase(Phase.builder("full").build()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'ramp' ends at fraction 0.1 but the plan has neither totalRows/estimatedRows"
                        + " nor a key range");
    }

    @Test
    void phaseBatchCapAbovePlanMaxIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").batchSize(10, 5, 100)
                .phase(Phase.builder("canary").rows(10).maxBatchSize(500).build())
                .phase(Phase.builder("full").build()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBatchSize 500 of phase 'canary' exceeds the plan's max batch size 100");
    }

    @Test
    void phaseRateAbovePlanRateIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").maxRowsPerSecond(100)
                .phase(Phase.builder("canary").rows(10).maxRowsPerSecond(500).build())
                .phase(Phase.builder("full").build()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRowsPerSecond 500.0 of phase 'canary' exceeds the plan's maxRowsPerSecond 100.0");
    }

    @Test
    void duplicateInvariantNamesAreRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m")
                .invariant("checksum", Cadence.everyBatch(), c -> InvariantResult.pass(0))
                .invariant("checksum", Cadence.everyBatch(), c -> InvariantResult.pass(0)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate invariant name 'checksum'");
    }

    @Test
    void nonPositiveInvariantCadenceIsRejected() {
        assertThatThrownBy(() -> Cadence.everyRows(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invariant cadence rows must be positive but was 0");
    }

    @Test
    void rollbackHookOnImpossibleRollbackIsRejected() {
        assertThatThrownBy(() -> MigrationPlan.builder("m").rollback(RollbackComplexity.IMPOSSIBLE)
                .onRollback(r -> { }, "drop column").build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("rollback is IMPOSSIBLE for plan 'm' but a rollback action is set; remove one of them");
    }

    @Test
    void unknownStopPhaseIsRejected() {
        MigrationPlan plan = MigrationPlan.builder("m").build();
        assertThatThrownBy(() -> MigrationRun.builder(plan).stopAfterPhase("canary"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stopAfterPhase 'canary' is not a phase of plan 'm'");
    }

    @Test
    void resumeBeyondTotalIsRejected() {
        MigrationPlan plan = MigrationPlan.builder("m").totalRows(10).build();
        assertThatThrownBy(() -> MigrationRun.builder(plan).resumeFrom(11, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("resume rows 11 exceed totalRows 10");
    }

    @Test
    void aValidPlanKeepsWhatWasDeclared() {
        Gate lag = lagGate("lag");
        MigrationPlan plan = MigrationPlan.builder("2026-11-customer-email-backfill")
                .type(MigrationType.BACKFILL).blastRadius(BlastRadius.HIGH).rollback(RollbackComplexity.TRIVIAL)
                .totalRows(2_000_000).batchSize(500, 50, 10_000).targetBatchTime(Duration.ofMillis(500))
                .maxRowsPerSecond(20_000)
                .phase(Phase.builder("canary").rows(10_000).maxRowsPerSecond(2_000).build())
                .phase(Phase.builder("ramp").untilFraction(0.10).build())
                .phase(Phase.builder("full").build())
                .gate(lag)
                .gate(Gate.builder("errors", Signals.batchErrorRate()).yellowAbove(0.001).redAbove(0.01).build())
                .invariant("checksum", Cadence.everyRows(10_000), c -> InvariantResult.pass(0))
                .build();
        assertThat(plan.phases()).extracting(Phase::name).containsExactly("canary", "ramp", "full");
        assertThat(plan.gates()).extracting(Gate::name).containsExactly("lag", "errors");
        assertThat(plan.invariants()).extracting(MigrationPlan.InvariantSpec::name).containsExactly("checksum");
        assertThat(plan.maxRowsPerSecond()).isEqualTo(20_000);
        assertThat(lag.holdWindow()).isEqualTo(Duration.ofSeconds(3));
        assertThat(plan.phases()).isUnmodifiable();
    }

    @Test
    void aPlanWithoutPhasesHasOneOpenEndedPhase() {
        MigrationPlan plan = MigrationPlan.builder("m").build();
        assertThat(plan.phases()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("full");
            assertThat(p.isOpenEnded()).isTrue();
        });
    }
}
