package io.migobs.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Batch;
import io.migobs.BatchEvent;
import io.migobs.Gate;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.Signals;
import io.migobs.internal.GateTracker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of a run's bookkeeping per batch: {@code nextBatch()} + {@code complete()} on a run with five gates, a
 * {@link SimpleMeterRegistry} and a listener, and the cost of one gate evaluation. Signal reads and rate-limiter
 * waits are excluded by design: the gates sample once an hour (read once at the start, in setup) and no rate cap is
 * set, so what is measured is the engine's own work on the application's thread.
 *
 * <p>Run with {@code java -jar migobs-bench.jar jmh -prof gc} for allocation per batch ({@code gc.alloc.rate.norm},
 * bytes per operation). Batch size does not change the per-batch work: nothing is done per row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BookkeepingBenchmark {

    /** A run with five gates, a registry and a listener. */
    @State(Scope.Thread)
    public static class RunState {
        /** Rows per batch; the bookkeeping must not depend on it. */
        @Param({"1000"})
        public int batchSize;

        MigrationRun run;
        long events;

        /** Builds and starts the run (the first gate sample happens here). */
        @Setup(Level.Trial)
        public void setUp() {
            MigrationPlan.Builder b = MigrationPlan.builder("jmh").batchSize(batchSize, batchSize, batchSize);
            String[] names = {"replica.lag", "latency.inflation", "connections", "cpu", "errors"};
            for (String n : names) {
                b.gate(Gate.builder(n, Signals.of(n, Signals.RATIO, () -> 0.1)).yellowAbove(5).redAbove(30)
                        .sampleInterval(Duration.ofHours(1)).build());
            }
            MigrationListener listener = new MigrationListener() {
                @Override
                public void onBatchEnd(BatchEvent event) {
                    events++;
                }
            };
            run = MigrationRun.builder(b.build()).meterRegistry(new SimpleMeterRegistry()).listener(listener)
                    .start();
        }

        /** Ends the run. */
        @TearDown(Level.Trial)
        public void tearDown() {
            run.close();
        }
    }

    /** One gate's state machine and thresholds. */
    @State(Scope.Thread)
    public static class GateState {
        GateTracker tracker;
        int i;

        /** Builds the tracker. */
        @Setup(Level.Trial)
        public void setUp() {
            tracker = new GateTracker(Gate.builder("replica.lag", Signals.of("lag", Signals.SECONDS, () -> 0))
                    .yellowAbove(5).redAbove(30).build());
        }
    }

    /**
     * One batch's bookkeeping.
     *
     * @param s the run
     * @param bh sink
     */
    @Benchmark
    public void batch(RunState s, Blackhole bh) {
        Batch b = s.run.nextBatch();
        b.complete(b.size());
        bh.consume(b);
    }

    /**
     * One gate evaluation: classify a sample against the thresholds, apply hold and recovery windows. The values
     * cycle green, yellow, green, so the state machine does real work.
     *
     * @param s the gate
     * @return the new state
     */
    @Benchmark
    public Object gateEvaluation(GateState s) {
        int k = s.i++ & 7;
        double v = k < 4 ? 1.0 : 7.0;
        return s.tracker.record(v, "value");
    }
}
