package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rows, rates, percent, ETA (effective and active), lag and backlog. */
class ProgressTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void fractionAndEtaFollowTheRowsWithAnExactTotal() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(10_000).batchSize(1000, 1000, 1000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            for (int i = 0; i < 4; i++) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofSeconds(1));
                b.complete(1000);
            }
            ProgressSnapshot s = run.progress();
            assertThat(s.rowsProcessed()).isEqualTo(4000);
            assertThat(s.fraction()).isEqualTo(0.4);
            assertThat(s.effectiveRowsPerSecond()).isEqualTo(1000.0);
            assertThat(s.etaSeconds()).isCloseTo(6.0, within(1e-9));
            assertThat(s.etaActiveSeconds()).isCloseTo(6.0, within(1e-9));
        }
    }

    @Test
    void theHonestEtaIncludesTimePausedAndTheActiveEtaDoesNot() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(10_000).batchSize(1000, 1000, 1000).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Batch b = run.nextBatch();
            time.advance(Duration.ofSeconds(1));
            b.complete(1000);
            run.pause();
            time.advance(Duration.ofSeconds(9));
            run.resume();
            b = run.nextBatch();
            time.advance(Duration.ofSeconds(1));
            b.complete(1000);
            ProgressSnapshot s = run.progress();
            assertThat(s.pausedSeconds()).isCloseTo(9.0, within(1e-9));
            assertThat(s.effectiveRowsPerSecond()).isCloseTo(2000 / 11.0, within(1e-9));
            assertThat(s.activeRowsPerSecond()).isCloseTo(1000.0, within(1e-9));
            assertThat(s.etaSeconds()).isCloseTo(11.0 * 0.8 / 0.2, within(1e-9)); // 44 s at the honest rate
            assertThat(s.etaActiveSeconds()).isCloseTo(2.0 * 0.8 / 0.2, within(1e-9)); // 8 s if never paused
        }
    }

    @Test
    void progressFromAKeyRangeWhenOnlyAnEstimateExistsNeverExceedsOneHundredPercent() {
        MigrationPlan p = MigrationPlan.builder("m").estimatedRows(100).keyRange(0, 1000).batchSize(10, 10, 10)
                .build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Batch b = run.nextBatch();
            b.complete(10, 500L);
            assertThat(run.progress().fraction()).isEqualTo(0.5);
            b = run.nextBatch();
            b.complete(10, 5000L); // keys beyond the estimated range: clamped
            assertThat(run.progress().fraction()).isEqualTo(0.999);
            b = run.nextBatch();
            b.completeLast(0, 5000L);
            assertThat(run.hasNext()).isFalse();
            assertThat(run.progress().fraction()).isEqualTo(1.0);
            assertThat(run.report().state()).isEqualTo(RunState.COMPLETED);
        }
    }

    @Test
    void anEstimatedTotalNeverReportsMoreThanDoneUntilTheSourceIsExhausted() {
        MigrationPlan p = MigrationPlan.builder("m").estimatedRows(100).batchSize(60, 10, 60).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            run.nextBatch().complete(60);
            run.nextBatch().complete(60);
            run.nextBatch().complete(60); // 180 of an estimated 100: the estimate was wrong (gh-ost #572)
            assertThat(run.progress().fraction()).isEqualTo(0.999);
            assertThat(run.hasNext()).isTrue();
            run.nextBatch().completeLast(5, null);
            assertThat(run.hasNext()).isFalse();
            assertThat(run.report().rowsProcessed()).isEqualTo(185);
        }
    }

    @Test
    void replicaLagAndBacklogAreExported() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(2.5);
        AtomicLong head = new AtomicLong(10_000);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(10_000).batchSize(1000, 1000, 1000)
                .replicaLag(lag).sourceHead(head::get).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Batch b = run.nextBatch();
            b.complete(1000, 1000L);
            time.advance(Duration.ofSeconds(2));
            run.nextBatch().complete(1000, 2000L);
            ProgressSnapshot s = run.progress();
            assertThat(s.replicaLagSeconds()).isEqualTo(2.5);
            assertThat(s.backlog()).isEqualTo(9000.0); // sampled before the second batch: cursor 1000
        }
    }

    @Test
    void recentThroughputReflectsTheLastTenSeconds() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1_000_000).batchSize(100, 100, 100).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            for (int i = 0; i < 100; i++) { // 100 rows per 0.1 s = 1,000 rows/s for 10 s
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(100));
                b.complete(100);
            }
            for (int i = 0; i < 100; i++) { // then 100 rows per 0.2 s = 500 rows/s for 20 s
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(200));
                b.complete(100);
            }
            assertThat(run.progress().recentRowsPerSecond()).isCloseTo(500.0, within(1.0));
            assertThat(run.progress().effectiveRowsPerSecond()).isCloseTo(20_000 / 30.0, within(1e-6));
        }
    }

    @org.junit.jupiter.api.Test
    void theKeyRangeIsKnownOnlyWhenProgressIsMeasuredOverIt() {
        MigrationPlan.Builder b = MigrationPlan.builder("kr").keyRange(-10, 5000);
        assertThat(b.build().keyRange()).contains(new MigrationPlan.KeyRange(-10, 5000));
        b.progressFromCursor(c -> 0.5, "half way, always");
        assertThat(b.build().keyRange()).isEmpty();
        assertThat(MigrationPlan.builder("none").totalRows(10).build().keyRange()).isEmpty();
    }
}
