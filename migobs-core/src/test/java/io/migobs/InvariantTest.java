package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariants run on their cadence with the range written since the last check; a failure is red. */
class InvariantTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void aCheckEveryNRowsSeesTheRangeWrittenSinceItsLastRun() {
        List<InvariantContext> seen = new ArrayList<>();
        MigrationPlan p = MigrationPlan.builder("m").totalRows(50_000).batchSize(1000, 1000, 1000)
                .invariant("checksum", Cadence.everyRows(10_000), c -> {
                    seen.add(c);
                    return InvariantResult.pass(100);
                }).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofMillis(10));
            RunReport r = run.report();
            // every 10,000 rows: at 10k, 20k, 30k, 40k, 50k; then once more as the final verification
            assertThat(seen).extracting(InvariantContext::reason)
                    .containsExactly("cadence", "cadence", "cadence", "cadence", "cadence", "final");
            assertThat(seen.get(1).fromCursor()).isEqualTo(10_000L);
            assertThat(seen.get(1).toCursor()).isEqualTo(20_000L);
            assertThat(seen.get(0).fromCursor()).isNull();
            assertThat(r.invariants()).singleElement().satisfies(s -> {
                assertThat(s.checks()).isEqualTo(6);
                assertThat(s.failures()).isZero();
                assertThat(s.rowsSampled()).isEqualTo(600);
            });
            assertThat(r.succeeded()).isTrue();
        }
    }

    @Test
    void aFailedCheckAbortsWithItsMessage() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(50_000).batchSize(1000, 1000, 1000)
                .invariant("checksum", Cadence.everyBatches(5), c -> c.rowsProcessed() >= 15_000
                        ? InvariantResult.fail(1000, "mismatch in (10000, 15000]") : InvariantResult.pass(1000))
                .build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofMillis(10));
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.ABORTED);
            assertThat(r.reason()).isEqualTo("invariant 'checksum' failed: mismatch in (10000, 15000]");
            assertThat(r.rowsProcessed()).isEqualTo(15_000);
            assertThat(r.invariants().get(0).failureMessages()).containsExactly("mismatch in (10000, 15000]");
            assertThat(r.succeeded()).isFalse();
        }
    }

    @Test
    void aCheckThatThrowsCountsAsFailed() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(5_000).batchSize(1000, 1000, 1000)
                .invariant("count", Cadence.everyBatch(), c -> {
                    throw new IllegalStateException("connection refused");
                }).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofMillis(10));
            assertThat(run.report().state()).isEqualTo(RunState.ABORTED);
            assertThat(run.report().reason())
                    .isEqualTo("invariant 'count' failed: check threw java.lang.IllegalStateException: connection refused");
        }
    }

    @Test
    void aFailedFinalVerificationTurnsCompletionIntoAnAbort() {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(5_000).batchSize(1000, 1000, 1000)
                .invariant("count", Cadence.atPhaseEnds(), c -> "final".equals(c.reason())
                        ? InvariantResult.fail(5000, "target has 4999 rows, source 5000") : InvariantResult.pass(0))
                .build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofMillis(10));
            assertThat(run.report().state()).isEqualTo(RunState.ABORTED);
            assertThat(run.report().reason()).contains("target has 4999 rows, source 5000");
        }
    }
}
