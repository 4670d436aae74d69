package io.migobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/**
 * The steering controller's rules, one at a time, on a simulated timeline (no clock: times are given). Each test
 * drives it the way {@code MigrationRun} does: completions ({@code progress} + {@code onBatch}), then a round of
 * readings ({@code steer} per gate, {@code endRound}).
 */
class BatchControllerTest {
    private static final long S = 1_000_000_000L;
    private static final Object INFLATION = new Object();
    private static final Object LAG = new Object();

    private final BatchController c = new BatchController(500, 1, 100_000, 0.5);
    private long now;
    private long rows;
    /** The heartbeat replica of {@link #heartbeatRun}: the run's commits {time, cumulative rows}, rows applied. */
    private final java.util.List<long[]> hbCommits = new java.util.ArrayList<>();
    private double hbApplied;

    /** Batches of {@code n} rows, each taking {@code workSeconds}, spaced evenly over one second. */
    private void second(int batches, int n, double workSeconds) {
        long step = S / batches;
        for (int i = 0; i < batches; i++) {
            now += step;
            rows += n;
            c.progress(now, rows);
            c.onBatch(n, (long) (workSeconds * S), true, now, 1);
        }
    }

    /** Eight seconds of ten batches a second at the pace, each second ended by an inflation reading. */
    private void atPaceFor8Seconds(double reading) {
        for (int i = 0; i < 8; i++) {
            second(10, (int) Math.max(1, c.pace() / 10), 0.01);
            inflationReading(reading);
        }
    }

    private void inflationReading(double value) {
        c.steer(INFLATION, value, 1.9, 2.0, true, false, now, S, now);
        c.endRound();
    }

    private void lagReading(double value) {
        c.steer(LAG, value, 0.5, 5, true, true, now, S, now);
        c.endRound();
    }

    @Test
    void slowStartDoublesThePaceWhileEverySignalIsFarFromItsTarget() {
        c.start(0, 0);
        lagReading(0);
        assertThat(c.pace()).isEqualTo(500); // nothing measured yet: one initial batch per second
        second(10, 50, 0.005);
        lagReading(0);
        assertThat(c.pace()).isCloseTo(1000, offset(1.0));
        second(10, 100, 0.005);
        lagReading(0);
        assertThat(c.pace()).isCloseTo(2000, offset(1.0));
        second(10, 200, 0.005);
        lagReading(0.8); // above the target: the limit is near, slow start ends
        second(10, (int) (c.pace() / 10), 0.005);
        lagReading(0);
        double p = c.pace();
        second(10, (int) (p / 10), 0.005);
        lagReading(0); // far again, but growth is now at most 1.5x per reading
        assertThat(c.pace()).isCloseTo(1.5 * p, offset(p * 0.02));
    }

    @Test
    void everyGatesLatestProposalHoldsThePaceUntilThreeOfItsIntervalsHavePassed() {
        c.start(0, 0);
        second(10, 50, 0.005);
        inflationReading(1.9); // at its target: hold the 500 rows/s it saw
        assertThat(c.pace()).isCloseTo(500, offset(1.0));
        for (int s = 2; s <= 4; s++) {
            second(10, 50, 0.005);
            lagReading(0); // read alone, the lag would grow the pace; the inflation's proposal still holds it
            assertThat(c.pace()).as("second %s", s).isCloseTo(500, offset(1.0));
        }
        second(10, 50, 0.005);
        lagReading(0); // the inflation has not been read for four intervals: its proposal no longer counts
        assertThat(c.pace()).isCloseTo(750, offset(1.0));
    }

    @Test
    void aLevelReadingGrowsThePaceByAtMostTargetOverValue() {
        c.start(0, 0);
        inflationReading(1.0);
        second(10, 50, 0.005);
        inflationReading(1.0);
        assertThat(c.pace()).isCloseTo(500 * 1.9, offset(1.0)); // proportional: 1.9 / 1.0 of the throughput
    }

    @Test
    void aLevelJustBelowTargetMovesThePaceHalfwayInRatioAndAFarOneTheWholeStep() {
        c.start(0, 0);
        inflationReading(1.0);
        for (int i = 0; i < 4; i++) { // at the target: 500 rows/s reading 1.9
            second(10, 50, 0.01);
            inflationReading(1.9);
        }
        assertThat(c.pace()).isCloseTo(500, offset(0.5));
        // a window that held one batch fewer reads 10% low: the whole step would be +9%; halfway in ratio, +4.5%
        second(10, 50, 0.01);
        inflationReading(1.74);
        assertThat(c.pace()).isCloseTo(500 * Math.sqrt(1.9 / 1.74), offset(0.5));
        // far below the target (the load fell): the whole proportional step from what the reading saw
        second(10, 50, 0.01);
        inflationReading(1.3);
        assertThat(c.pace()).isCloseTo(500 * 1.9 / 1.3, offset(0.5));
    }

    @Test
    void aLevelBelowTargetScalesTheMeasuredThroughputNotThePace() {
        c.start(0, 0);
        inflationReading(1.0);
        atPaceFor8Seconds(1.05); // reach a pace of several thousand rows/s
        double pace = c.pace();
        // the last second delivered only 80% of the pace (the limiter was still catching up): the reading
        // reflects 80%, so the new pace scales 80%, not the pace the reading never saw
        second(10, (int) (0.08 * pace), 0.01);
        inflationReading(1.5);
        assertThat(c.pace()).isCloseTo(0.8 * pace * 1.9 / 1.5, offset(0.01 * pace));
    }

    @Test
    void batchesSlowerThanTheRoundsFirstBrakeThePaceBeforeAnyReadingShowsIt() {
        c.start(0, 0);
        inflationReading(1.0);
        atPaceFor8Seconds(1.85);
        double pace = c.pace();
        int n = (int) (pace / 10);
        assertThat(c.rateCap()).isEqualTo(pace);
        now += S / 10;
        rows += n;
        c.progress(now, rows);
        assertThat(c.onBatch(n, S / 100, true, now, 1)).isFalse(); // the round's first batch: the reference
        now += S / 10;
        rows += n;
        assertThat(c.onBatch(n, S / 50, true, now, 1)).isFalse(); // one slow batch does not brake
        assertThat(c.rateCap()).isEqualTo(pace);
        now += S / 10;
        assertThat(c.onBatch(n, S / 40, true, now, 1)).isTrue(); // two: the database is busier
        assertThat(c.rateCap()).isCloseTo(pace * 0.5, offset(1.0)); // the faster of the two: half the speed
        // a reading observed before the brake does not release it
        c.steer(INFLATION, 1.85, 1.9, 2.0, true, false, now - S / 2, S, now);
        c.endRound();
        assertThat(c.rateCap()).isLessThan(c.pace());
        // a reading observed after it does
        now += S / 10;
        c.steer(INFLATION, 1.85, 1.9, 2.0, true, false, now, S, now);
        c.endRound();
        assertThat(c.rateCap()).isEqualTo(c.pace());
    }

    @Test
    void aConnectionThatCannotKeepThePaceGetsLongerBatchesOnlyWhileSignalsLeaveRoom() {
        c.start(0, 0);
        inflationReading(1.0);
        outgrowOneConnection();
        assertThat(c.pace()).isGreaterThan(20_000);
        for (int i = 0; i < 10; i++) {
            int n = c.next(0);
            c.onBatch(n, (long) ((n / 20_000.0 + 0.005) * S), true, now, 1);
        }
        assertThat(c.next(0)).isCloseTo((int) Math.round(c.pace() * BatchController.MAX_SLICE_SECONDS), offset(2));
        // the pace never runs away beyond what the connection does
        assertThat(c.pace()).isLessThanOrEqualTo(BatchController.PACE_BOUND * 20_000 + 1);
        // a reading near the target: back to short slices at once
        now += S;
        inflationReading(1.8);
        assertThat(c.next(0)).isCloseTo((int) Math.round(c.pace() * BatchController.PACE_SLICE_SECONDS), offset(2));
    }

    /**
     * A paced batch carries at least the slice of the pace, rounded up: ten of them then start at least a second
     * apart, and a one-second window never holds one batch more than the pace (rounded to the nearest row, a pace
     * of 851 rows/s made 85-row batches 0.0999 s apart, and every few seconds a window held eleven: 10% over).
     */
    @Test
    void aPacedBatchIsRoundedUpSoTheWindowNeverHoldsOneMoreThanThePace() {
        int roundedDown = 0;
        for (double reading = 1.80; reading < 1.895; reading += 0.01) {
            BatchController d = new BatchController(500, 1, 100_000, 0.5);
            d.start(0, 0);
            long t = 0;
            long done = 0;
            for (int second = 0; second < 8; second++) {
                int n = d.next(0);
                for (int i = 0; i < 10; i++) {
                    t += S / 10;
                    done += n;
                    d.progress(t, done);
                    d.onBatch(n, S / 100, true, t, 1);
                }
                d.steer(INFLATION, reading, 1.9, 2.0, true, false, t, S, t);
                d.endRound();
            }
            double carried = d.pace() * BatchController.PACE_SLICE_SECONDS;
            roundedDown += carried - Math.floor(carried) < 0.5 ? 1 : 0;
            assertThat(d.next(0)).as("batch at a pace of %.1f rows/s", d.pace())
                    .isGreaterThanOrEqualTo((int) Math.ceil(carried - 1e-9));
        }
        assertThat(roundedDown).as("paces whose slice the nearest row would round down").isPositive();
    }

    /** Connection-bound batches (20,000 rows/s a connection) for a second, then an inflation reading. */
    private void connectionBound(double reading) {
        for (int i = 0; i < 10; i++) {
            int n = c.next(0);
            now += S / 10;
            rows += n;
            c.progress(now, rows);
            c.onBatch(n, (long) ((n / 20_000.0 + 0.005) * S), true, now, 1);
        }
        inflationReading(reading);
    }

    /** Twelve seconds far from target (inflation 1.2): the pace outgrows one connection's 20,000 rows/s. */
    private void outgrowOneConnection() {
        for (int i = 0; i < 12; i++) {
            int n = c.next(0);
            second(10, n, n / 20_000.0 + 0.005);
            inflationReading(1.2);
        }
    }

    private double sliceSeconds() {
        return c.next(0) / c.pace();
    }

    @Test
    void aConnectionBoundBatchGrowsAsFarAsTheWorstOfTheLastThreeReadingsLeavesRoomForOneMore() {
        c.start(0, 0);
        inflationReading(1.0);
        outgrowOneConnection();
        for (int i = 0; i < 4; i++) { // the slice grows by 1.25x per batch up to what 1.6 leaves room for
            connectionBound(1.6);
        }
        // 1.6 leaves 1.9 / 1.6 - 1 = 18.75% for one batch more in the window: batches of 0.1875 s of pace
        assertThat(sliceSeconds()).isCloseTo(1.9 / 1.6 - 1, offset(0.002));
        // one reading at 1.75 leaves 8.6%: back to 0.1 s at once; lower readings after it do not undo that for two
        // more readings (the worst of the last three counts: one reading is noisy)
        connectionBound(1.75);
        assertThat(sliceSeconds()).isCloseTo(BatchController.PACE_SLICE_SECONDS, offset(0.002));
        connectionBound(1.5);
        connectionBound(1.5);
        assertThat(sliceSeconds()).isCloseTo(BatchController.PACE_SLICE_SECONDS, offset(0.002));
        connectionBound(1.5);
        connectionBound(1.5);
        assertThat(sliceSeconds()).isCloseTo(BatchController.MAX_SLICE_SECONDS, offset(0.002));
    }

    @Test
    void aLagAtZeroGrowsAndALagAboveTargetCuts() {
        c.start(0, 0);
        c.steer(LAG, 0, 0.5, 5, true, true, now, S, now);
        c.endRound();
        second(10, 50, 0.005);
        c.steer(LAG, 0, 0.5, 5, true, true, now, S, now);
        c.endRound();
        double p = c.pace();
        assertThat(p).isGreaterThan(500);
        second(10, (int) (p / 10), 0.005);
        c.steer(LAG, 2, 0.5, 5, true, true, now, S, now);
        c.endRound();
        second(10, (int) (c.pace() / 10), 0.005);
        c.steer(LAG, 3, 0.5, 5, true, true, now, S, now);
        c.endRound();
        assertThat(c.pace()).isLessThan(p);
    }

    /** Seconds of 10 batches of 100 rows (1,000 rows/s), each second ended by a lag reading. */
    private double lagSeconds(double... readings) {
        for (double lag : readings) {
            second(10, 100, 0.005);
            lagReading(lag);
        }
        return c.pace();
    }

    @Test
    void aLagReadingOneBatchOffIsNoiseNotAFasterReplica() {
        c.start(0, 0);
        // the replica applies what the run commits: the lag holds at its target
        double steady = lagSeconds(0.5, 0.5, 0.5, 0.5);
        assertThat(steady).isCloseTo(1000, offset(1.0));
        // the next reading lands one batch further (a batch commits at once, so the lag moves in batch steps):
        // over one interval that reads as an apply rate 10% higher; over two, 5%
        double jitter = lagSeconds(0.4);
        assertThat(jitter).as("pace after a reading one batch off").isGreaterThan(steady).isLessThan(1.12 * steady);
    }

    @Test
    void aReplicaThatStallsIsBelievedAtOnceNotAveragedWithTheIntervalBefore() {
        c.start(0, 0);
        lagSeconds(0.5, 0.5, 0.5, 0.5);
        // the replica applied a tenth of what was committed in the last second: lag 0.5 → 1.4
        double stalled = lagSeconds(1.4);
        assertThat(stalled).as("pace after the stall reading").isLessThan(150);
    }

    @Test
    void aLagReadingBetweenTwoCommitsIsNotAReplicaAtAStandstill() {
        c.start(0, 0);
        lagSeconds(0.5, 0.5, 0.5, 0.5);
        lagSeconds(1.4); // the replica slows to a tenth: it applied one batch of the last second's ten
        // a second later it has applied half a batch more: the lag says it is still on rows committed between the
        // same two commits as before, so over the last interval it applied none. Over the span back to the reading
        // before, which holds a commit, it applied 100 rows in 2 s: slow, not stopped (the pace once fell to its
        // floor here, 1 row/s, and a 10-row batch then waited 10 s for its permits). The rows already written behind
        // it, 1,350 at 50 rows/s, take the lag to 27 s whatever the run does: the fall wanted from there,
        // (0.5 - 27) / (3 x 1 s), is bounded by the drain's -4 s/s: a fifth of the apply rate
        double pace = lagSeconds(2.35);
        assertThat(pace).as("pace after a reading between two commits").isCloseTo(50 / 5.0, offset(1.0));
    }

    /**
     * A replica applying committed rows in order at {@code apply(t)} rows/s behind a run that commits a batch of
     * 0.2 s of its pace every 0.2 s; the lag (the age of the oldest unapplied row, as a heartbeat measures it) is
     * read every 0.25 s. Runs until {@code seconds} on the test's clock (a later call goes on with the same replica);
     * returns the paces after each reading.
     */
    private java.util.List<Double> heartbeatRun(double seconds, java.util.function.DoubleUnaryOperator apply) {
        long q = S / 4;
        long batch = S / 5;
        long dt = 700_000L; // not whole milliseconds: readings are stamped with whole ones, as a wall clock does
        java.util.List<long[]> commits = hbCommits;
        java.util.List<Double> paces = new java.util.ArrayList<>();
        long nextBatch = now + batch;
        long nextRead = now + q;
        for (long t = now + dt; t <= (long) (seconds * S); t += dt) {
            double committed = commits.isEmpty() ? 0 : commits.get(commits.size() - 1)[1];
            hbApplied = Math.min(committed, hbApplied + apply.applyAsDouble(t / 1e9) * dt / 1e9);
            now = t;
            if (t >= nextBatch) {
                nextBatch += batch;
                long n = Math.max(1, Math.round(c.pace() * 0.2));
                rows += n;
                commits.add(new long[] {t, rows});
                c.progress(t, rows);
                c.onBatch(n, batch / 2, true, t, 1); // the connection is twice as fast as the pace
            }
            if (t >= nextRead) {
                nextRead += q;
                double lag = 0;
                for (long[] k : commits) {
                    if (k[1] > hbApplied + 1e-6) {
                        lag = (t - k[0]) / 1e9; // the oldest commit with rows not yet applied
                        break;
                    }
                }
                long observed = t / 1_000_000L * 1_000_000L;
                c.steer(LAG, lag, 0.3, 5, true, true, observed, q, t);
                c.endRound();
                paces.add(c.pace());
            }
        }
        return paces;
    }

    @Test
    void aLagReadFourTimesASecondIsMeasuredOverSecondsNotABatchAtATime() {
        // the replica applies 5,000 rows/s; batches of 0.2 s of pace; four readings a second. Over a quarter of a
        // second the rows the replica got through are one batch or none: measured there alone, the apply rate
        // swung from 0 (the pace to its floor) to twice the replica's, and the run crawled
        c.start(0, 0);
        java.util.List<Double> paces = heartbeatRun(40, t -> 5_000);
        java.util.List<Double> settled = paces.subList(paces.size() / 2, paces.size());
        assertThat(settled).as("paces over the last 20 s").allMatch(p -> p > 1_000 && p < 15_000);
        double mean = settled.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).isBetween(4_000.0, 7_000.0);
    }

    @Test
    void aReplicaThatStallsIsBelievedWithinAReadingOrTwoWhenReadFourTimesASecond() {
        c.start(0, 0);
        java.util.List<Double> before = heartbeatRun(30, t -> 5_000);
        double steady = before.get(before.size() - 1);
        // at 30 s the replica slows to a tenth. A quarter-second span is one batch or none either way, so the first
        // reading cannot tell; the second cuts, and within the first second — when a one-second reading would only
        // just arrive — the pace is below half
        java.util.List<Double> after = heartbeatRun(31.01, t -> 500);
        assertThat(after.get(1)).as("pace at the second reading of the stall, from %s", steady).isLessThan(steady);
        assertThat(after.get(3)).as("pace a second into the stall, from %s", steady).isLessThan(steady / 2);
    }

    @Test
    void aReplicaOnTheSameBatchCannotBeApplyingFasterThanThatBatchInTheTimeItHasBeenOnIt() {
        c.start(0, 0);
        heartbeatRun(30, t -> 5_000);
        // at 30 s the replica slows to a hundredth: it sits on one batch (about 1,000 rows) for seconds, and every
        // reading that finds it still there bounds its speed by that batch over the time since it was first found
        // there — the pace follows the bound down instead of the rate of the two seconds before
        java.util.List<Double> after = heartbeatRun(36, t -> 50);
        assertThat(after.get(after.size() - 1)).as("pace six seconds into the stall: %s", after).isLessThan(200);
        // and never to the floor: a reading beyond yellow whose quarter second held no batch measured nothing
        assertThat(after).as("paces through the stall").allMatch(p -> p >= 5);
    }

    @Test
    void aLagBeyondYellowReadBetweenTwoBatchesDoesNotSendThePaceToItsFloor() {
        // the replica applies 400 rows/s; the run commits 500 rows every half second, so the lag climbs beyond
        // yellow; it is read four times a second, and every other reading's quarter second held no batch. "Never
        // faster beyond yellow" capped the pace at that quarter second's throughput — zero — and the pace fell to
        // its floor (1 row/s) at every other reading; with too few batches to measure, the cap is the pace, and the
        // pace drains at about a fifth of the apply rate
        c.start(0, 0);
        long q = S / 4;
        long dt = S / 1000;
        java.util.List<long[]> commits = new java.util.ArrayList<>();
        double applied = 0;
        java.util.List<Double> beyond = new java.util.ArrayList<>();
        for (long t = dt; t <= 30 * S; t += dt) {
            applied = Math.min(rows, applied + 400.0 * dt / 1e9);
            now = t;
            if (t % (S / 2) == 0) {
                rows += 500;
                commits.add(new long[] {t, rows});
                c.progress(t, rows);
                c.onBatch(500, S / 100, false, t, 1);
            }
            if (t % q == 0) {
                double lag = 0;
                for (long[] k : commits) {
                    if (k[1] > applied + 1e-6) {
                        lag = (t - k[0]) / 1e9;
                        break;
                    }
                }
                c.steer(LAG, lag, 0.3, 5, true, true, t, q, t);
                c.endRound();
                if (lag > 5) {
                    beyond.add(c.pace());
                }
            }
        }
        assertThat(beyond).as("paces with the lag beyond yellow").isNotEmpty().allMatch(p -> p > 20);
    }

    @Test
    void aLagHeadedBeyondYellowMayFallFasterThanHalfASecondPerSecond() {
        c.start(0, 0);
        lagSeconds(0.5, 0.5, 0.5, 0.5);
        // the replica falls behind to 3 s, then keeps up with the 1,000 rows/s committed: the backlog, 3 s of rows,
        // drains within yellow, so the fall wanted, (0.5 - 3) / (3 x 1 s), is bounded by the settling -0.5 s/s
        double settle = lagSeconds(1.0, 1.5, 2.0, 2.5, 3.0, 3.0, 3.0, 3.0);
        assertThat(settle).as("a standing lag of 3 s: settle at -0.5 s/s, apply / 1.5")
                .isCloseTo(1000 / 1.5, offset(30.0));
        // then it applies 250 rows/s of the 1,000: the lag climbs 0.75 s per second; read at 3.75 s and headed for
        // 4.5 s, still below yellow (5 s) — but 3.75 s of rows at 250 rows/s is 15 s of backlog already written,
        // and the lag reaches that whatever the run does: the fall wanted from there, (0.5 - 15) / (3 x 1 s), is not
        // bounded by the settling -0.5 s/s but by the drain's -4 s/s: a fifth of the apply rate
        // (the 250 rows it applied are counted to a batch: 200 or 300 of them)
        double draining = lagSeconds(3.75);
        assertThat(draining).as("pace with the backlog headed beyond yellow").isBetween(200 / 5.0 - 1, 300 / 5.0 + 1);
        // read at 5.25 s, beyond yellow, with the backlog still headed far beyond it: a fifth of the apply rate
        // (steered from the lag extrapolated to 6.0 s it was 250 / 2.83)
        double beyond = lagSeconds(4.5, 5.25);
        assertThat(beyond).as("pace with the lag beyond yellow").isBetween(200 / 5.0 - 1, 300 / 5.0 + 1);
    }

    @Test
    void aBatchCompletingAtTheInstantOfTheReadingDoesNotRaiseThePace() {
        c.start(0, 0);
        inflationReading(1.0);
        atPaceFor8Seconds(1.85);
        double pace = c.pace();
        int n = (int) (pace / 10);
        second(10, n, 0.01);
        rows += n; // one more batch completes exactly when the signal is observed: the signal did not see it
        c.progress(now, rows);
        c.onBatch(n, S / 100, true, now, 1);
        inflationReading(1.89);
        assertThat(c.pace()).isLessThanOrEqualTo(pace * 1.9 / 1.89 + 1);
    }

    @Test
    void workersSharingTheRunAreNotCappedAtOneConnectionsSpeed() {
        c.start(0, 0);
        inflationReading(1.0);
        for (int i = 0; i < 14; i++) { // four workers, each batch at 5,000 rows/s of one connection
            int n = c.next(0);
            for (int k = 0; k < 10; k++) {
                now += S / 10;
                rows += n;
                c.progress(now, rows);
                c.onBatch(n, (long) (n / 5_000.0 * S), true, now, 4);
            }
            inflationReading(1.2);
        }
        // the pace grew past one connection's 5,000 rows/s, up to what four do (20,000) and not far beyond
        assertThat(c.pace()).isGreaterThan(1.25 * 5_000).isLessThanOrEqualTo(BatchController.PACE_BOUND * 20_000 + 1);
    }

    /** The batch size of {@link #steadyThenFourQuarterBatches}: a quarter of the pace. */
    private int quarter;

    /** Eight steady seconds at inflation 1.5, then four batches of a quarter of the pace; their commit times. */
    private long[] steadyThenFourQuarterBatches() {
        c.start(0, 0);
        inflationReading(1.0);
        atPaceFor8Seconds(1.5);
        quarter = (int) (c.pace() / 4);
        return fourBatches(quarter);
    }

    /** Four batches of {@code n} rows in the next second, committed 0.25 s apart; their commit times. */
    private long[] fourBatches(int n) {
        long[] commits = new long[4];
        for (int i = 0; i < 4; i++) {
            now += S / 4;
            rows += n;
            c.progress(now, rows);
            c.onBatch(n, S / 4, true, now, 1);
            commits[i] = now;
        }
        return commits;
    }

    /**
     * The primary's headroom falls: a one-second inflation window holding four batches of the old rate reads 3.33,
     * beyond yellow. Batches of the cut pace started at once would add to the window before the old ones leave it
     * (4.54 and an abort in the simulator): the next batch waits until the window's commits since one second
     * before, plus itself, fit the new pace, and not longer.
     */
    @Test
    void aLevelBeyondYellowHoldsTheNextBatchUntilTheWindowHoldsNoMoreThanTheNewPace() {
        long[] commits = steadyThenFourQuarterBatches();
        int n = quarter;
        assertThat(c.holdUntil()).as("no hold while the readings are below yellow").isLessThanOrEqualTo(now);
        inflationReading(3.33);
        double pace = c.pace();
        assertThat(pace).isLessThan(4.0 * n * 1.9 / 3.33 + 1);
        long hold = c.holdUntil();
        assertThat(hold).isGreaterThan(now);
        // at the hold, the commits still in the one-second window plus the next batch fit the pace; at the commit
        // leaving just before, they did not
        int leftAtHold = 0;
        int leftBefore = 0;
        for (long t : commits) {
            leftAtHold += t > hold - S ? n : 0;
            leftBefore += t > hold - S - S / 4 ? n : 0;
        }
        assertThat(leftAtHold + c.next(0)).isLessThanOrEqualTo((int) pace);
        assertThat(leftBefore + c.next(0)).isGreaterThan((int) pace);
        assertThat(hold - S).as("the hold ends as an old commit leaves the window").isIn(commits[0], commits[1],
                commits[2]);
    }

    @Test
    void aLevelJustAboveTargetButNotBeyondYellowCutsThePaceWithoutAHold() {
        steadyThenFourQuarterBatches();
        double before = c.pace();
        inflationReading(1.99); // above the target 1.9, below yellow 2.0
        assertThat(c.pace()).isLessThan(before);
        assertThat(c.holdUntil()).isLessThanOrEqualTo(now);
    }

    @Test
    void aLevelBeyondYellowWhoseWindowAlreadyFitsTheNewPaceHoldsNothing() {
        steadyThenFourQuarterBatches();
        now += 2 * S; // nothing committed for two seconds; then the window holds no row
        inflationReading(2.5);
        assertThat(c.holdUntil()).isLessThanOrEqualTo(now);
    }

    @Test
    void aLagBeyondYellowDrainsThroughThePaceNotAHold() {
        c.start(0, 0);
        lagReading(0);
        for (int i = 0; i < 6; i++) {
            second(10, (int) Math.max(1, c.pace() / 10), 0.01);
            lagReading(0);
        }
        second(10, (int) (c.pace() / 10), 0.01);
        lagReading(6); // an accumulation: its backlog is already written, holding the window does not drain it
        second(10, (int) Math.max(1, c.pace() / 10), 0.01);
        lagReading(7);
        assertThat(c.holdUntil()).isEqualTo(Long.MIN_VALUE);
    }

    /** Six seconds of 10,000 rows/s (ten 1,000-row batches a second) with the replica keeping up: lag readings 0. */
    private void tenThousandRowsASecondCaughtUp() {
        c.start(0, 0);
        for (int i = 0; i < 6; i++) {
            second(10, 1000, 0.01);
            lagReading(0);
        }
        assertThat(c.pace()).isGreaterThanOrEqualTo(10_000);
    }

    /** Then a second more of 10,000 rows while the replica applies 1,000: it got through the first batch, lag 0.8 s. */
    private void replicaFallsToATenthAfterAReadingAtZero() {
        tenThousandRowsASecondCaughtUp();
        second(10, 1000, 0.01);
        lagReading(0.8);
    }

    /**
     * The replica falls to 1,000 rows/s right after a reading at zero: in the next second it gets through the first
     * batch only, and the lag reads 0.8 s. It was caught up when the reading at zero was observed, so what it applied
     * since is known: the pace follows that apply rate (to a batch: 2,000 rows/s at most) instead of a level's
     * {@code target / value} cut of the throughput (10,000 × 0.5 / 0.8 = 6,250 rows/s, six times what the replica
     * takes, for a whole second more of backlog).
     */
    @Test
    void aLagAboveTargetRightAfterOneAtZeroIsSteeredFromTheApplyRateSinceTheReplicaWasCaughtUp() {
        replicaFallsToATenthAfterAReadingAtZero();
        assertThat(c.pace()).isLessThanOrEqualTo(2_000);
    }

    /**
     * A second later the run has committed another 10,000 rows (it had not slowed yet) and the replica is 1.7 s
     * behind: the backlog already written takes it past yellow (5 s) whatever the run does next. The drain is set
     * from that peak, not from the lag extrapolated one interval (2.6 s), which would keep the pace at 1 / 1.7 of
     * the apply rate.
     */
    @Test
    void aLagHeadedBeyondYellowIsSteeredFromThePeakItWillReachNotFromWhereItIs() {
        replicaFallsToATenthAfterAReadingAtZero();
        second(10, 1000, 0.01);
        lagReading(1.7);
        // the replica got through 1,000 rows in that second (1,500 a second over the two since it was caught up):
        // steered from 2.6 s the pace would be at least 1,000 / 1.7 = 588 rows/s
        assertThat(c.pace()).isLessThan(1_500 / 3.0);
    }

    @Test
    void aLagAtMostItsTargetAfterOneAtZeroIsLeftToTheLevelRule() {
        tenThousandRowsASecondCaughtUp();
        double before = c.pace();
        second(10, 1000, 0.01);
        lagReading(0.2); // the last batch not applied yet: a batch of noise, and the limit is not known to be near
        assertThat(c.pace()).isGreaterThanOrEqualTo(Math.min(before, 10_000));
    }

    @Test
    void aLevelReadEveryTenSecondsDrainsAtMostOneSecondOfItsWindow() {
        // ten seconds of commits at the old pace would hold the next batch for up to ten seconds, during which the
        // run could neither pause nor abort: the window drained is at most a second
        steadyThenFourQuarterBatches();
        c.steer(INFLATION, 3.33, 1.9, 2.0, true, false, now, 10 * S, now);
        c.endRound();
        assertThat(c.holdUntil()).isGreaterThan(now).isLessThanOrEqualTo(now + BatchController.MAX_DRAIN_WINDOW_NANOS);
    }
}
