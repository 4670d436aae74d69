package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The adaptive batch size and the rate cap. */
class ControllerTest {

    @Test
    void greenBatchesGrowAdditivelyToTheTargetBatchTime() {
        ManualTimeSource time = new ManualTimeSource();
        // the database does 10,000 rows/s: the ideal batch for a 500 ms target is 5,000 rows
        MigrationPlan p = MigrationPlan.builder("m").totalRows(400_000).batchSize(500, 50, 10_000)
                .targetBatchTime(Duration.ofMillis(500)).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            List<Integer> sizes = drainAt(run, time, 10_000);
            assertThat(sizes.get(0)).isEqualTo(500);
            assertThat(sizes.get(1)).isEqualTo(750); // + max(min, initial / 2)
            assertThat(sizes.get(2)).isEqualTo(1000);
            assertThat(sizes.subList(20, sizes.size() - 1)).allSatisfy(s -> assertThat(s).isEqualTo(5000));
        }
    }

    @Test
    void slowBatchesShrinkToTheTargetAtOnce() {
        ManualTimeSource time = new ManualTimeSource();
        // 1,000 rows/s: the first batch of 5,000 takes 5 s, ten times the target
        MigrationPlan p = MigrationPlan.builder("m").totalRows(20_000).batchSize(5000, 50, 10_000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            List<Integer> sizes = drainAt(run, time, 1_000);
            assertThat(sizes.get(1)).isEqualTo(500);
        }
    }

    @Test
    void theRowsPerSecondCapHoldsOnTheInjectedClock() {
        ManualTimeSource time = new ManualTimeSource();
        MigrationPlan p = MigrationPlan.builder("m").totalRows(50_000).batchSize(1000, 100, 1000)
                .maxRowsPerSecond(2_000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ZERO); // batches take no time: only the rate limiter moves the clock
            double seconds = time.elapsed().toNanos() / 1e9;
            assertThat(50_000 / seconds).isBetween(1_800.0, 2_200.0);
            assertThat(run.report().state()).isEqualTo(RunState.COMPLETED);
        }
    }

    @Test
    void underARateCapABatchCarriesAtMostTheTargetBatchTimeOfTheCap() {
        ManualTimeSource time = new ManualTimeSource();
        MigrationPlan p = MigrationPlan.builder("m").totalRows(100_000).batchSize(5000, 50, 10_000)
                .targetBatchTime(Duration.ofMillis(500)).maxRowsPerSecond(1_000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            // the database is fast (100,000 rows/s) but the cap is 1,000 rows/s: batches of 500 rows (0.5 s of cap)
            List<Integer> sizes = drainAt(run, time, 100_000);
            assertThat(sizes).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(500));
        }
    }

    @Test
    void aPhaseCapOverridesThePlanCap() {
        ManualTimeSource time = new ManualTimeSource();
        MigrationPlan p = MigrationPlan.builder("m").totalRows(20_000).batchSize(100, 100, 1000)
                .maxRowsPerSecond(10_000)
                .phase(Phase.builder("canary").rows(1_000).maxRowsPerSecond(100).maxBatchSize(100).build())
                .phase(Phase.builder("full").build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            while (run.hasNext() && run.currentPhase().equals("canary")) {
                Batch b = run.nextBatch();
                assertThat(b.size()).isEqualTo(100);
                b.complete(b.size());
            }
            // 1,000 rows at 100 rows/s take about 10 s
            assertThat(time.elapsed()).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(11));
        }
    }

    @Test
    void throttlingRecoversAndGrowsBack() {
        ManualTimeSource time = new ManualTimeSource();
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").repeat(0, 20).repeat(8, 4).repeat(0, 200);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(2_000_000).batchSize(1000, 50, 10_000)
                .gate(Gate.builder("lag", lag).yellowAbove(5).holdSamples(2).recoverSamples(2).build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            List<Integer> sizes = drainAt(run, time, 10_000);
            int peakBefore = sizes.subList(0, 15).stream().max(Integer::compare).orElseThrow();
            int trough = sizes.stream().min(Integer::compare).orElseThrow();
            assertThat(trough).isLessThan(peakBefore / 2);
            assertThat(sizes.get(sizes.size() - 2)).isEqualTo(5000);
            RunReport r = run.report();
            assertThat(r.decisions()).extracting(DecisionChange::to).containsExactly(Decision.THROTTLE,
                    Decision.PROCEED);
            assertThat(r.throttled()).isPositive();
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        }
    }

    /** Batches take rows / rate seconds on the manual clock. */
    static List<Integer> drainAt(MigrationRun run, ManualTimeSource time, double rowsPerSecond) {
        List<Integer> sizes = new java.util.ArrayList<>();
        while (run.hasNext()) {
            Batch b = run.nextBatch();
            sizes.add(b.size());
            time.advance(Duration.ofNanos((long) (b.size() / rowsPerSecond * 1e9)));
            b.complete(b.size());
        }
        return sizes;
    }

    @Property(tries = 150)
    void batchSizeStaysWithinMinAndMax(@ForAll @IntRange(min = 1, max = 500) int min,
            @ForAll @IntRange(min = 0, max = 5000) int extra, @ForAll("lagValues") @Size(min = 5, max = 60)
            List<Double> lags, @ForAll @IntRange(min = 1, max = 50_000) int dbRate) {
        int max = min + extra;
        ManualTimeSource time = new ManualTimeSource();
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds");
        lags.forEach(lag::then);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(100_000).batchSize(min, min, max)
                .gate(Gate.builder("lag", lag).yellowAbove(5).holdSamples(1).build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            int batches = 0;
            while (run.hasNext() && batches++ < 200) {
                Batch b = run.nextBatch();
                assertThat(b.size()).isBetween(1, max);
                if (b.size() < min) {
                    // only the last batch may be trimmed below min, to the exact rows that are left
                    assertThat(run.report().rowsProcessed() + b.size()).isEqualTo(100_000);
                }
                time.advance(Duration.ofNanos((long) (b.size() * 1e9 / dbRate)));
                b.complete(b.size());
            }
        }
    }

    @Property(tries = 150)
    void underARedSignalNoFurtherBatchStarts(@ForAll("lagValues") @Size(min = 1, max = 40) List<Double> lags,
            @ForAll @IntRange(min = 1, max = 4) int hold) {
        ManualTimeSource time = new ManualTimeSource();
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds");
        lags.forEach(lag::then);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1_000_000).batchSize(10, 10, 10)
                .gate(Gate.builder("lag", lag).yellowAbove(5).redAbove(30).holdSamples(hold).build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            int consecutiveRed = 0;
            for (int i = 0; i < lags.size(); i++) {
                boolean more = run.hasNext(); // exactly one sample per iteration
                consecutiveRed = lags.get(i) > 30 ? consecutiveRed + 1 : 0;
                if (consecutiveRed >= hold) {
                    assertThat(more).isFalse();
                    assertThat(run.state()).isEqualTo(RunState.ABORTED);
                    return;
                }
                assertThat(more).isTrue();
                Batch b = run.nextBatch();
                time.advance(Duration.ofSeconds(1));
                b.complete(b.size());
            }
        }
    }

    @Provide
    Arbitrary<List<Double>> lagValues() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(0, 4.9), Arbitraries.doubles().between(5.1, 29.9),
                Arbitraries.doubles().between(30.1, 100)).list();
    }
}
