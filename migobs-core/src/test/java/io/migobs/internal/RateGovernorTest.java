package io.migobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.TimeSource;
import io.migobs.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateGovernorTest {

    /**
     * Batches of a steady size whose work takes {@code workMs}: over 60 s the governor delivers the rate (within one
     * batch) when the work is faster than the rate, and the connection's own speed when it is slower.
     */
    @ParameterizedTest(name = "{0} rows/s, batches of {1}, {2} ms of work each")
    @CsvSource({
            "24500, 4900, 250", // work longer than the batch's share of the rate: connection-bound
            "24500, 4900, 150",
            "18000, 1800, 95",
            "18000, 2250, 95", // a batch of more than 100 ms of the rate
            "18180, 2272, 119", // ... whose work takes more than 100 ms
            "1000, 5000, 20", // a batch of five seconds of the rate: admitted in parts
            "500, 50, 5",
            "20000, 700, 30", // batches smaller than 100 ms of the rate
    })
    void deliversTheRateOrTheConnectionsSpeed(double rate, int rows, long workMs) throws InterruptedException {
        ManualTimeSource time = new ManualTimeSource();
        RateGovernor g = new RateGovernor("test", time, rate);
        long rowsDone = 0;
        Duration work = Duration.ofMillis(workMs);
        while (time.elapsed().compareTo(Duration.ofSeconds(60)) < 0) {
            g.acquire(rows);
            time.advance(work);
            rowsDone += rows;
        }
        double seconds = time.elapsed().toNanos() / 1e9;
        double expected = Math.min(rate, rows / (workMs / 1000.0));
        assertThat(rowsDone / seconds).isCloseTo(expected, Offset.offset(expected * 0.02 + rows / seconds));
    }

    /** The controller moves the rate by a hair each second: a batch must not then need a second period. */
    @Test
    void aRateMovingByAHairDoesNotCostAPeriodPerBatch() throws InterruptedException {
        ManualTimeSource time = new ManualTimeSource();
        RateGovernor g = new RateGovernor("test", time, 24500);
        long rowsDone = 0;
        int i = 0;
        while (time.elapsed().compareTo(Duration.ofSeconds(60)) < 0) {
            g.changeRate(i++ % 2 == 0 ? 24499 : 24500.4);
            g.acquire(4900);
            time.advance(Duration.ofMillis(150));
            rowsDone += 4900;
        }
        double perSecond = rowsDone / (time.elapsed().toNanos() / 1e9);
        assertThat(perSecond).isCloseTo(24500, Offset.offset(24500 * 0.02));
    }

    /**
     * The controller moves the rate a little every second; now and then the limiter is rebuilt for it, and a fresh
     * limiter (or a period boundary just after a late start) admits the next batch at once: two batches back to
     * back, twice the rate for a moment. Spacing prevents that, with sleeps that round up to 10 ms.
     */
    @Test
    void lateWakeUpsNeverPutTwoBatchesBackToBack() throws InterruptedException {
        ManualTimeSource time = new ManualTimeSource();
        TimeSource coarse = new TimeSource() {
            @Override
            public long nanoTime() {
                return time.nanoTime();
            }

            @Override
            public long wallTimeMillis() {
                return time.wallTimeMillis();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                time.sleepNanos(((nanos + 9_999_999L) / 10_000_000L) * 10_000_000L); // sleeps in 10 ms steps
            }
        };
        RateGovernor g = new RateGovernor("test", coarse, 852);
        long previous = Long.MIN_VALUE;
        long closest = Long.MAX_VALUE;
        long rowsDone = 0;
        int i = 0;
        while (time.elapsed().compareTo(Duration.ofSeconds(60)) < 0) {
            g.changeRate(i++ % 10 < 5 ? 852 : 838);
            g.acquire(85);
            long start = time.nanoTime();
            if (previous != Long.MIN_VALUE) {
                closest = Math.min(closest, start - previous);
            }
            previous = start;
            time.advance(Duration.ofMillis(52));
            rowsDone += 85;
        }
        assertThat(closest).isGreaterThanOrEqualTo((long) (0.9 * 85 / 852 * 1e9) - 1);
        assertThat(rowsDone / (time.elapsed().toNanos() / 1e9)).isCloseTo(845, Offset.offset(845 * 0.03));
    }

    /**
     * Batches of 1,125 rows, a tenth of a second at 11,250 rows/s, while the rate moves between that and 3% less
     * every ten batches (the limiter is rebuilt for each move). No one-second window may then hold more than ten
     * batch starts: an eleventh is 10% more load than the rate in that window, which a latency signal near its SLO
     * shows as a violation. (The limiter alone, whose periods are aligned to its own clock, let a stream drifting
     * through them start batches 2% early for seconds after a rebuild: eleven starts within a second.)
     */
    @Test
    void aSteadyStreamNeverStartsOneBatchMoreInASecondThanTheRate() throws InterruptedException {
        ManualTimeSource time = new ManualTimeSource();
        RateGovernor g = new RateGovernor("test", time, 11250);
        List<Long> starts = new ArrayList<>();
        int i = 0;
        while (time.elapsed().compareTo(Duration.ofSeconds(120)) < 0) {
            g.changeRate(i++ / 10 % 2 == 0 ? 11250 : 10930.5);
            g.acquire(1125);
            starts.add(time.nanoTime());
            time.advance(Duration.ofMillis(55));
        }
        int most = 0;
        for (int first = 0, last = 0; last < starts.size(); last++) {
            while (starts.get(last) - starts.get(first) >= 1_000_000_000L) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        assertThat(most).as("batch starts in the busiest one-second window").isEqualTo(10);
    }

    /**
     * A cut of the pace makes the next batch shorter: started one share after the previous one, it would commit
     * 6.5 ms sooner than a share after it (its work is shorter), and a one-second window could again hold eleven
     * commits. Every commit comes at least one share of its own batch after the previous commit.
     */
    @Test
    void aShorterBatchAfterACutCommitsAShareAfterThePreviousOne() throws InterruptedException {
        ManualTimeSource time = new ManualTimeSource();
        RateGovernor g = new RateGovernor("test", time, 4938.3);
        long previousCommit = Long.MIN_VALUE;
        long tightest = Long.MAX_VALUE;
        for (int i = 0; i < 40; i++) {
            double rate = i < 20 ? 4938.3 : 4288.8;
            int rows = (int) Math.ceil(rate * 0.1);
            g.changeRate(rate);
            g.acquire(rows);
            Duration work = Duration.ofNanos((long) ((0.005 + rows / 10_000.0) * 1e9)); // 10,000 rows/s a connection
            time.advance(work);
            long commit = time.nanoTime();
            if (previousCommit != Long.MIN_VALUE) {
                tightest = Math.min(tightest, commit - previousCommit - (long) (rows / rate * 1e9));
            }
            previousCommit = commit;
        }
        assertThat(tightest).as("commit gap less the batch's share, ns, at its tightest").isGreaterThanOrEqualTo(-1);
    }

    /**
     * A hold (a level signal's window draining, {@link BatchController#holdUntil()}) delays the next start to it;
     * the batches after it are spaced from it at the rate, and a hold already past delays nothing.
     */
    @Test
    void noBatchStartsBeforeAHoldAndTheNextOnesAreSpacedFromIt() throws InterruptedException {
        ManualTimeSource time = new ManualTimeSource();
        RateGovernor g = new RateGovernor("test", time, 1000);
        g.acquire(100);
        time.advance(Duration.ofMillis(10));
        long hold = time.nanoTime() + 400_000_000L;
        g.holdUntil(hold);
        g.acquire(100);
        assertThat(time.nanoTime()).isEqualTo(hold);
        time.advance(Duration.ofMillis(10));
        g.acquire(100);
        assertThat(time.nanoTime()).isEqualTo(hold + 100_000_000L); // one share (100 rows at 1,000 rows/s) later
        g.holdUntil(hold); // past: no effect
        time.advance(Duration.ofMillis(500));
        long before = time.nanoTime();
        g.acquire(100);
        assertThat(time.nanoTime()).isEqualTo(before);
    }
}
