package io.migobs.bench.sim;

/**
 * A way to run the backfill against the simulated database: it decides, at each decision point, to run a batch
 * or to sleep, seeing only the sampled signals and its own batches (except the oracle, which knows the profile).
 */
public interface Strategy {

    /** @return the name in the output ({@code oracle}, {@code ghost}, {@code ptosc}, {@code migobs}) */
    String name();

    /**
     * Drives the simulation until it has stopped (finished or aborted).
     *
     * @param sim a fresh simulation
     */
    void run(Simulator sim);
}
