package io.migobs.examples.demo;

import io.migobs.Signal;
import io.migobs.Signals;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A SIMULATED replica lag, since the demo's embedded H2 has no replica: a calm baseline with a load spike once the
 * backfill passes a fraction of the rows. The spike lasts a fixed wall-clock time (an external event), so while the
 * run throttles the lag stays up for as long as a real spike would, then decays.
 *
 * <ul>
 *   <li>{@code spike}: from 45% of the rows the lag climbs to 9 s (above the 5 s yellow threshold), holds, then decays
 *       back to about 0.3 s.</li>
 *   <li>{@code red}: from 40% of the rows the lag jumps past the 30 s red threshold (45 s) and stays there.</li>
 *   <li>{@code none}: about 0.3 s throughout.</li>
 * </ul>
 * Thread-safe.
 */
final class SimulatedLoad implements Signal {
    static final String SOURCE = "SIMULATED load spike of the migobs demo (the embedded H2 database has no replica)";
    private static final double BASE = 0.3;
    private static final double SPIKE_PEAK = 9.0;
    private static final double RED_PEAK = 45.0;

    private final DemoOptions.Scenario scenario;
    private final long total;
    private final long spikeNanos;
    private final AtomicLong rows = new AtomicLong();
    private volatile long spikeStart = -1;

    SimulatedLoad(DemoOptions.Scenario scenario, long total, double expectedSeconds) {
        this.scenario = scenario;
        this.total = Math.max(1, total);
        double seconds = Math.max(2.0, Math.min(9.0, expectedSeconds * 0.15));
        this.spikeNanos = (long) (seconds * 1e9);
    }

    /** Rows done so far (the run's rows, including rows resumed from the checkpoint). */
    void rows(long done) {
        rows.set(done);
    }

    void addRows(long n) {
        rows.addAndGet(n);
    }

    /** @return whether the simulated spike (or red climb) is under way */
    boolean active() {
        long s = spikeStart;
        return s >= 0 && (scenario == DemoOptions.Scenario.RED || System.nanoTime() - s < spikeNanos);
    }

    @Override
    public String name() {
        return "replica.lag";
    }

    @Override
    public String unit() {
        return Signals.SECONDS;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public double read() {
        long now = System.nanoTime();
        double wobble = 0.05 * Math.sin(now / 7e8);
        double p = (double) rows.get() / total;
        switch (scenario) {
            case SPIKE: {
                if (spikeStart < 0 && p >= 0.45) {
                    spikeStart = now;
                }
                if (spikeStart < 0) {
                    return BASE + wobble;
                }
                double t = (now - spikeStart) / (double) spikeNanos;
                if (t < 0.25) {
                    return BASE + (SPIKE_PEAK - BASE) * t / 0.25;
                }
                if (t < 0.6) {
                    return SPIKE_PEAK + wobble;
                }
                if (t < 1.0) {
                    return SPIKE_PEAK - (SPIKE_PEAK - BASE) * (t - 0.6) / 0.4;
                }
                return BASE + wobble;
            }
            case RED: {
                if (spikeStart < 0 && p >= 0.40) {
                    spikeStart = now;
                }
                if (spikeStart < 0) {
                    return BASE + wobble;
                }
                return RED_PEAK + wobble;
            }
            default:
                return BASE + wobble;
        }
    }

    @Override
    public String toString() {
        return "SimulatedLoad[" + scenario + "]";
    }
}
