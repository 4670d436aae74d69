package io.migobs;

import io.migobs.internal.Checks;
import java.time.Duration;

/**
 * The gates migobs recommends for a backfill: replica lag and production latency inflation, with the thresholds
 * most services can live with. {@link MigrationPlan.Builder#recommendedBackfillGates(Signal, Signal)} adds both
 * to a plan; use the factories here to add them one by one.
 *
 * <p>Thread-safe; every method returns a new immutable gate.
 */
public final class Recommended {

    /** Yellow threshold of the replica-lag gate: 5 seconds (the lag SLO). */
    public static final double LAG_YELLOW_SECONDS = 5;
    /** Red threshold of the replica-lag gate: 30 seconds (readers see data half a minute old: stop). */
    public static final double LAG_RED_SECONDS = 30;
    /** Yellow threshold of the latency-inflation gate: 2.0 (production latency at most doubled: the SLO). */
    public static final double INFLATION_YELLOW = 2.0;
    /** Red threshold of the latency-inflation gate: 4.0 (production latency quadrupled: stop). */
    public static final double INFLATION_RED = 4.0;
    /**
     * Target of the replica-lag gate: 0.3 seconds. Any lag above zero keeps the replica busy all the time, the
     * fastest it can go, so a higher target buys no speed; it only costs safety. The backlog behind a lag of L
     * seconds is already written at the old pace: if the replica suddenly applies k times slower, the lag climbs
     * to about k × (L + the time to notice, up to two sample intervals) however hard the run then brakes. The target
     * stays clear of the lag's own noise (a heartbeat moves in steps of about one batch, 0.1 s, and is sampled
     * once a second) so that the replica never idles; below that, every tenth of a second less is a tenth less
     * backlog to multiply. (0.5 s was the target until the controller's simulator showed 0.3 s spends 14% less time
     * above the lag SLO through replica stalls at the same speed; 0.1 s loses speed.)
     */
    public static final double LAG_TARGET_SECONDS = 0.3;
    /**
     * Target of the latency-inflation gate: 1.9. Inflation is a level that follows the load within a sample, so a
     * small headroom suffices; every percent below the SLO is a percent of throughput lost where the primary is the
     * limit. 5% covers the signal's noise between samples.
     */
    public static final double INFLATION_TARGET = 1.9;
    /** The oldest reading the recommended gates accept: 10 seconds (ten sample intervals). */
    public static final Duration MAX_READING_AGE = Duration.ofSeconds(10);

    private Recommended() {
    }

    /**
     * The replica-lag gate {@code replica.lag}: yellow above {@value #LAG_YELLOW_SECONDS} s, red above
     * {@value #LAG_RED_SECONDS} s, steering toward {@value #LAG_TARGET_SECONDS} s, sampled every second, readings
     * older than {@link #MAX_READING_AGE} unknown.
     *
     * @param replicaLag the lag of the most lagging replica, in seconds (a heartbeat age)
     * @return the gate
     * @throws NullPointerException if the signal is null
     */
    public static Gate replicaLagGate(Signal replicaLag) {
        return replicaLagGate(replicaLag, Gate.DEFAULT_SAMPLE_INTERVAL);
    }

    /**
     * The replica-lag gate of {@link #replicaLagGate(Signal)}, read every {@code sampleInterval}: for a lag source
     * fresher than a second (a heartbeat written every 100–250 ms, as gh-ost's is by default). A replica that
     * stalls is then seen sooner, and the rows committed before the run slows — which the stalled replica must
     * apply whatever the run does next — are fewer: on the controller benchmark's random profiles with signals
     * sampled four times a second, a 250 ms lag gate spends 73% less time above the lag SLO through replica
     * stalls than a one-second one (BENCHMARKS.md). The hold and recovery windows stay three seconds long (a
     * number of samples that spans three seconds, at least the default three). Reading a source faster than it
     * observes anew gains nothing: a reading read again is the same reading.
     *
     * @param replicaLag the lag of the most lagging replica, in seconds (a heartbeat age)
     * @param sampleInterval how often to read it; positive, at most one second
     * @return the gate
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code sampleInterval} is not positive or longer than one second
     */
    public static Gate replicaLagGate(Signal replicaLag, Duration sampleInterval) {
        Checks.positive(sampleInterval, "sampleInterval");
        if (sampleInterval.compareTo(Gate.DEFAULT_SAMPLE_INTERVAL) > 0) {
            throw new IllegalArgumentException("sampleInterval of the recommended replica-lag gate must be positive and"
                    + " at most " + Gate.DEFAULT_SAMPLE_INTERVAL + " but was " + sampleInterval);
        }
        long windowNanos = Gate.DEFAULT_HOLD_SAMPLES * Gate.DEFAULT_SAMPLE_INTERVAL.toNanos();
        int samples = (int) Math.max(Gate.DEFAULT_HOLD_SAMPLES,
                (windowNanos + sampleInterval.toNanos() - 1) / sampleInterval.toNanos());
        return Gate.builder("replica.lag", replicaLag)
                .yellowAbove(LAG_YELLOW_SECONDS)
                .redAbove(LAG_RED_SECONDS)
                .target(LAG_TARGET_SECONDS)
                .sampleInterval(sampleInterval)
                .holdSamples(samples)
                .recoverSamples(samples)
                .maxAge(MAX_READING_AGE)
                .description("Replicas must stay fresh: readers of a replica see data at most "
                        + (int) LAG_YELLOW_SECONDS + " s old.")
                .build();
    }

    /**
     * The latency-inflation gate {@code latency.inflation}: yellow above {@value #INFLATION_YELLOW}, red above
     * {@value #INFLATION_RED}, steering toward {@value #INFLATION_TARGET}, sampled every second, readings older than
     * {@link #MAX_READING_AGE} unknown.
     *
     * @param latencyInflation production latency divided by its latency without the backfill (1.0 = no effect),
     *        for example the p99 of the service's queries over its pre-migration p99
     * @return the gate
     * @throws NullPointerException if the signal is null
     */
    public static Gate latencyInflationGate(Signal latencyInflation) {
        return Gate.builder("latency.inflation", latencyInflation)
                .yellowAbove(INFLATION_YELLOW)
                .redAbove(INFLATION_RED)
                .target(INFLATION_TARGET)
                .maxAge(MAX_READING_AGE)
                .description("Production must stay fast: its latency at most doubled by the backfill.")
                .build();
    }
}
