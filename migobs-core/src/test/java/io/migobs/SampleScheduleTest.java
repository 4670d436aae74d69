package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** When a gate is read again, given when its readings were observed. Batches take 70 ms on a manual clock. */
class SampleScheduleTest {

    /** A signal whose reading at wall time w was observed at {@code observed.applyAsLong(w)}; records read times. */
    private static final class TimedSignal implements Signal {
        final List<Long> readsMillis = new ArrayList<>();
        final List<Long> agesMillis = new ArrayList<>();
        final long origin;
        final LongUnaryOperator observed;

        TimedSignal(long origin, LongUnaryOperator observed) {
            this.origin = origin;
            this.observed = observed;
        }

        @Override
        public String name() {
            return "lag";
        }

        @Override
        public String unit() {
            return Signals.SECONDS;
        }

        @Override
        public double read() {
            return 0.1;
        }

        @Override
        public Reading sample(TimeSource time) {
            long w = time.wallTimeMillis() - origin;
            long at = observed.applyAsLong(w);
            readsMillis.add(w);
            agesMillis.add(w - at);
            return new Reading(read(), origin + at);
        }
    }

    private static TimedSignal run(LongUnaryOperator observed) {
        ManualTimeSource time = new ManualTimeSource();
        TimedSignal s = new TimedSignal(time.wallTimeMillis(), observed);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(2_000).batchSize(10, 10, 10)
                .gate(Gate.builder("lag", s).yellowAbove(5).build()).build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            Loop.drain(run, time, Duration.ofMillis(70));
        }
        return s;
    }

    @Test
    void aSourceRefreshingEverySecondIsReadSoonAfterEachRefresh() {
        // the source publishes at 0.5 s, 1.5 s, 2.5 s ...: its reading at w was observed at the last such time
        TimedSignal s = run(w -> w < 500 ? w : ((w - 500) / 1000) * 1000 + 500);
        List<Long> late = s.agesMillis.subList(3, s.agesMillis.size());
        // after the first reads, every reading is at most one batch (70 ms) old, where reading once a second after
        // the last read lets the age drift up to a whole second
        assertThat(late).isNotEmpty().allMatch(a -> a <= 70);
        long last = s.readsMillis.get(s.readsMillis.size() - 1);
        assertThat(s.readsMillis).hasSizeLessThanOrEqualTo((int) (last / 1000) + 3);
    }

    @Test
    void aSourceWhoseClockIsBehindIsStillReadOncePerInterval() {
        // every reading looks 900 ms old (the source's clock is behind): reading again 100 ms later would not get a
        // fresher one, only read it ten times as often and shorten the gate's hold windows
        TimedSignal s = run(w -> w - 900);
        long span = s.readsMillis.get(s.readsMillis.size() - 1) - s.readsMillis.get(0);
        assertThat(span).isGreaterThan(10_000);
        assertThat(s.readsMillis.size()).isLessThanOrEqualTo((int) (span / 1000) + 3);
    }

    @Test
    void aSourceSlowerThanTheIntervalIsReadOncePerInterval() {
        // refreshed every 15 s (a scrape): readings are older than the interval; read once per interval
        TimedSignal s = run(w -> (w / 15_000) * 15_000);
        long span = s.readsMillis.get(s.readsMillis.size() - 1) - s.readsMillis.get(0);
        assertThat(s.readsMillis.size()).isLessThanOrEqualTo((int) (span / 1000) + 3);
    }
}
