package io.migobs.bench.sim;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Batch;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.Recommended;
import io.migobs.Signal;
import io.migobs.Signals;
import io.migobs.TimeSource;

/**
 * The library itself: a real {@link MigrationRun} of the plan migobs recommends for backfills
 * ({@link MigrationPlan.Builder#recommendedBackfillGates(Signal, Signal)}, every other setting at its default),
 * driven by the simulated clock, with signals that read the simulator's samples. One configuration for every
 * profile.
 */
public final class MigobsStrategy implements Strategy {
    private static final long WALL_ORIGIN_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private final java.io.PrintStream trace;
    private final java.time.Duration lagInterval;

    /** The strategy, silent. */
    public MigobsStrategy() {
        this(null, null);
    }

    /**
     * The strategy, printing one line per simulated second (time, true and sampled signals, pace, batch size, rows
     * done).
     *
     * @param trace where to print, or null for none
     */
    public MigobsStrategy(java.io.PrintStream trace) {
        this(trace, null);
    }

    /**
     * The strategy, with its lag gate read at another interval than the recommended plan's second
     * ({@code Recommended.replicaLagGate(lag, interval)}): what a lag source fresher than a second buys.
     *
     * @param trace where to print, or null for none
     * @param lagInterval how often the run reads its lag gate, at most one second; null for the recommended plan
     */
    public MigobsStrategy(java.io.PrintStream trace, java.time.Duration lagInterval) {
        this.trace = trace;
        this.lagInterval = lagInterval;
    }

    @Override
    public String name() {
        return "migobs";
    }

    @Override
    public void run(Simulator sim) {
        SimTime time = new SimTime(sim);
        Signal lag = new SampledSignal("replica.lag", Signals.SECONDS, sim, true);
        Signal inflation = new SampledSignal("latency.inflation", Signals.RATIO, sim, false);
        MigrationPlan.Builder pb = MigrationPlan.builder("simulated-backfill").totalRows(sim.model().rows());
        if (lagInterval == null) {
            pb.recommendedBackfillGates(lag, inflation);
        } else {
            pb.replicaLag(lag).gate(Recommended.replicaLagGate(lag, lagInterval))
                    .gate(Recommended.latencyInflationGate(inflation));
        }
        MigrationPlan plan = pb.build();
        try (MigrationRun run = MigrationRun.builder(plan).meterRegistry(new SimpleMeterRegistry())
                .timeSource(time).start()) {
            long nextTrace = 0;
            while (run.hasNext()) {
                Batch b = run.nextBatch();
                if (trace != null && sim.nanoTime() >= nextTrace) {
                    nextTrace = sim.nanoTime() + 1_000_000_000L;
                    io.migobs.ProgressSnapshot p = run.progress();
                    trace.printf(java.util.Locale.ROOT, "TRACE t=%.2f lag=%.2f infl=%.3f s_lag=%.2f s_infl=%.3f"
                            + " rate_limit=%.0f batch=%d state=%s rows_done=%d%n", sim.seconds(), sim.lag(),
                            sim.inflation(), sim.sampledLag(), sim.sampledInflation(), p.rateLimit(), b.size(),
                            p.state(), sim.model().rows() - sim.remainingRows());
                }
                long n = Math.min(b.size(), sim.remainingRows());
                sim.batch(n);
                if (sim.aborted()) {
                    break;
                }
                b.complete(n);
            }
        } catch (SimulationStopped e) {
            // a red line stopped the simulation while the run waited
        }
    }

    /** Thrown out of a wait once the simulation has stopped, so the run's loop ends. */
    static final class SimulationStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulationStopped(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The simulator's clock as the run's time source: a sleep advances the simulation. */
    static final class SimTime implements TimeSource {
        private final Simulator sim;

        SimTime(Simulator sim) {
            this.sim = sim;
        }

        @Override
        public long nanoTime() {
            return sim.nanoTime();
        }

        @Override
        public long wallTimeMillis() {
            return WALL_ORIGIN_MILLIS + sim.nanoTime() / 1_000_000L;
        }

        @Override
        public void sleepNanos(long nanos) {
            sim.sleepNanos(nanos);
            if (sim.stopped()) {
                throw new SimulationStopped(sim.abortReason());
            }
        }
    }

    /** A sampled signal of the simulator, reported with its sample time (so a gate sees how stale it is). */
    static final class SampledSignal implements Signal {
        private final String name;
        private final String unit;
        private final Simulator sim;
        private final boolean lag;

        SampledSignal(String name, String unit, Simulator sim, boolean lag) {
            this.name = name;
            this.unit = unit;
            this.sim = sim;
            this.lag = lag;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String unit() {
            return unit;
        }

        @Override
        public double read() {
            return lag ? sim.sampledLag() : sim.sampledInflation();
        }

        @Override
        public Reading sample(TimeSource time) {
            long at = sim.sampleNanos();
            double v = read();
            return new Reading(v, WALL_ORIGIN_MILLIS + at / 1_000_000L);
        }
    }
}
