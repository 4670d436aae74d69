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
    void theRecommendedLagGateMayBeReadMoreOftenWithTheSameThreeSecondWindows() {
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        Gate every = Recommended.replicaLagGate(lag);
        assertThat(every.sampleInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(every.holdSamples()).isEqualTo(3);
        Gate fast = Recommended.replicaLagGate(lag, Duration.ofMillis(250));
        assertThat(fast.sampleInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(fast.holdSamples()).isEqualTo(12);
        assertThat(fast.recoverSamples()).isEqualTo(12);
        assertThat(fast.name()).isEqualTo(every.name());
        assertThat(fast.yellowThreshold()).isEqualTo(every.yellowThreshold());
        assertThat(fast.redThreshold()).isEqualTo(every.redThreshold());
        assertThat(fast.targetValue()).isEqualTo(every.targetValue());
        assertThat(fast.maxAge()).isEqualTo(every.maxAge());
        assertThat(Recommended.replicaLagGate(lag, Duration.ofMillis(400)).holdSamples()).isEqualTo(8); // 3.2 s
        assertThat(Recommended.replicaLagGate(lag, Duration.ofMillis(700)).holdSamples()).isEqualTo(5); // 3.5 s
        assertThatThrownBy(() -> Recommended.replicaLagGate(lag, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sampleInterval of the recommended replica-lag gate must be positive and at most PT1S"
                        + " but was PT2S");
        assertThatThrownBy(() -> Recommended.replicaLagGate(lag, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was PT0S");
        assertThatThrownBy(() -> Recommended.replicaLagGate(lag, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("sampleInterval");
        assertThatThrownBy(() -> Recommended.replicaLagGate(null, Duration.ofMillis(250)))
                .isInstanceOf(NullPointerException.class);
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
    void aReplicaSlowedToHalfTheRunsRateCutsThePaceToWhatItApplies() {
        // a replica that keeps up, then applies half of what the run commits; its lag is a heartbeat's (the age of the
        // oldest row committed and not yet applied), read once a second
        java.util.List<long[]> commits = new java.util.ArrayList<>(); // {nanos, cumulative rows}
        double[] replica = {Double.NaN, 0, 0}; // {slowed at (s), rows applied then, rows/s since}
        java.util.function.DoubleSupplier lagNow = () -> {
            double now = time.nanoTime() / 1e9;
            double applied = Double.isNaN(replica[0]) ? Double.MAX_VALUE : replica[1] + replica[2] * (now - replica[0]);
            for (long[] k : commits) {
                if (k[1] > applied) {
                    return now - k[0] / 1e9;
                }
            }
            return 0;
        };
        Signal lag = Signals.of("lag", Signals.SECONDS, lagNow::getAsDouble);
        ScriptedSignal inflation = ScriptedSignal.named("inflation", "ratio").values(1.0);
        MigrationPlan plan = MigrationPlan.builder("m").totalRows(100_000_000).batchSize(1000, 10, 10_000)
                .recommendedBackfillGates(lag, inflation).build();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            long rows = 0;
            double maxLag = 0;
            long rowsBefore = 0;
            double firstReading = Double.NaN;
            for (int ms = 0; ms < 30_000; ) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(10));
                b.complete(b.size());
                rows += b.size();
                commits.add(new long[] {time.nanoTime(), rows});
                ms = (int) (time.elapsed().toMillis());
                if (ms >= 5_000 && rowsBefore == 0) {
                    rowsBefore = rows;
                }
                if (ms >= 6_000 && Double.isNaN(replica[0])) {
                    replica[0] = time.nanoTime() / 1e9;
                    replica[1] = rows;
                    replica[2] = (rows - rowsBefore) / 2.0; // half of what the run committed in its last second
                }
                if (!Double.isNaN(replica[0])) {
                    maxLag = Math.max(maxLag, lagNow.getAsDouble());
                }
                if (ms >= 7_050 && Double.isNaN(firstReading)) {
                    firstReading = run.progress().rateLimit();
                }
            }
            double apply = replica[2];
            // the first reading after the slowdown (lag 0.5 s, after readings at zero) measures the replica from
            // where it was caught up: the pace is at most its apply rate at once (a level's cut, 0.3 / 0.5 of the
            // throughput, kept it 20% above for a second more)
            assertThat(firstReading).as("pace after the first reading, apply %s rows/s", apply).isLessThan(apply);
            // and it settles at the apply rate with the lag at its target, never near yellow (5 s)
            assertThat(run.progress().rateLimit()).isCloseTo(apply, org.assertj.core.data.Percentage.withPercentage(5));
            assertThat(lagNow.getAsDouble()).isBetween(0.1, 0.6);
            assertThat(maxLag).isLessThan(4.0);
            assertThat(run.state()).isEqualTo(RunState.RUNNING);
        }
    }

    @Test
    void aGateReadMoreOftenThanAnotherDoesNotDecideThePaceAlone() {
        // inflation sits at its target (read once a second, it holds the pace); the lag is zero and read four times a
        // second, each reading a fresh "the limit is higher". The pace is the smallest of every gate's latest
        // proposal, not of the gates read last: it must not grow between the inflation's readings.
        ScriptedSignal inflation = ScriptedSignal.named("inflation", "ratio").values(1.0);
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        MigrationPlan plan = lagReadFourTimesASecond(lag, inflation);
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            paceAfter(run, 2);
            inflation.set(1.9);
            double held = paceAfter(run, 2);
            double min = held;
            double max = held;
            for (int i = 0; i < 20; i++) {
                double p = paceAfterMillis(run, 250);
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            assertThat(max).as("pace between %s and %s rows/s", min, max).isLessThan(held * 1.25);
            assertThat(min).isGreaterThan(held * 0.75);
        }
    }

    @Test
    void aReadingReadAgainIsTheSameReadingNotANewOneAMillisecondLater() {
        // a heartbeat observed once a second, read four times a second by a clock that is not on whole
        // milliseconds: each re-read finds the same observation with an age rounded differently. Taken as a new
        // reading a millisecond after the last, it measured the replica's apply rate over that millisecond —
        // nothing — and sent the pace to its floor.
        long start = time.wallTimeMillis();
        Signal heartbeat = new Signal() {
            @Override
            public String name() {
                return "lag";
            }

            @Override
            public String unit() {
                return "seconds";
            }

            @Override
            public double read() {
                throw new UnsupportedOperationException("sampled with its observation time");
            }

            @Override
            public Reading sample(TimeSource t) {
                long observed = t.wallTimeMillis() / 1000 * 1000;
                // caught up for three seconds, then busy, a tenth of a second behind
                return new Reading(observed - start < 3000 ? 0 : 0.1, observed);
            }
        };
        ScriptedSignal inflation = ScriptedSignal.named("inflation", "ratio").values(1.0);
        MigrationPlan plan = lagReadFourTimesASecond(heartbeat, inflation);
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            double before = paceAfterMillis(run, 2900, Duration.ofNanos(10_300_000));
            double min = before;
            for (int i = 0; i < 40; i++) {
                min = Math.min(min, paceAfterMillis(run, 250, Duration.ofNanos(10_300_000)));
            }
            assertThat(min).as("pace before the replica got busy: %s rows/s", before).isGreaterThan(before * 0.5);
        }
    }

    @Test
    void aLevelBeyondYellowHoldsTheNextBatchUntilTheLastSecondsCommitsFitTheCutPace() {
        // inflation jumps from 1.5 to 3.3 (beyond yellow 2.0): the pace is cut, and the one-second window the signal
        // measures still holds the old pace's commits. The first batch at the cut pace must not start until those
        // commits plus itself fit one second of it; started at once, it would raise the signal further first.
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds").values(0);
        ScriptedSignal inflation = ScriptedSignal.named("inflation", "ratio").values(1.5);
        MigrationPlan plan = MigrationPlan.builder("m").totalRows(100_000_000).batchSize(1000, 10, 100_000)
                .recommendedBackfillGates(lag, inflation).build();
        java.util.List<long[]> commits = new java.util.ArrayList<>();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            long end = time.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (time.nanoTime() < end) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(10));
                b.complete(b.size());
                commits.add(new long[] {time.nanoTime(), b.size()});
            }
            double before = run.progress().rateLimit();
            inflation.set(3.3);
            for (int i = 0; i < 1000; i++) {
                Batch b = run.nextBatch();
                long start = time.nanoTime();
                double limit = run.progress().rateLimit();
                if (limit < before * 0.9) {
                    long inWindow = commits.stream().filter(c -> c[0] > start - 1_000_000_000L)
                            .mapToLong(c -> c[1]).sum();
                    long last = commits.get(commits.size() - 1)[0];
                    assertThat(start - last).as("wait after the last commit, ns").isGreaterThan(10_000_000L);
                    assertThat(inWindow + b.size()).as("rows in the window at the first start after the cut to %s"
                            + " rows/s (from %s)", limit, before).isLessThanOrEqualTo((long) limit);
                    return;
                }
                time.advance(Duration.ofMillis(10));
                b.complete(b.size());
                commits.add(new long[] {time.nanoTime(), b.size()});
            }
            throw new AssertionError("the pace was never cut");
        }
    }

    /** A lag gate read every 250 ms and an inflation gate read every second, both steering. */
    private static MigrationPlan lagReadFourTimesASecond(Signal lag, Signal inflation) {
        return MigrationPlan.builder("m").totalRows(100_000_000).batchSize(1000, 10, 100_000)
                .replicaLag(lag)
                .gate(Gate.builder("replica.lag", lag).yellowAbove(5).target(0.3)
                        .sampleInterval(Duration.ofMillis(250)).build())
                .gate(Gate.builder("latency.inflation", inflation).yellowAbove(2).target(1.9).build())
                .build();
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

    private double paceAfterMillis(MigrationRun run, long millis) {
        return paceAfterMillis(run, millis, Duration.ofMillis(10));
    }

    /** Runs batches of {@code perBatch} for {@code millis} of manual time; returns the rate limit then. */
    private double paceAfterMillis(MigrationRun run, long millis, Duration perBatch) {
        long end = time.nanoTime() + Duration.ofMillis(millis).toNanos();
        while (time.nanoTime() < end && run.hasNext()) {
            Batch b = run.nextBatch();
            time.advance(perBatch);
            b.complete(b.size());
        }
        return run.progress().rateLimit();
    }
}
