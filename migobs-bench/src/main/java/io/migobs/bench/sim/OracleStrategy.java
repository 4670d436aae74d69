package io.migobs.bench.sim;

/** Knows the profile and writes continuously at r*(t), every step, with no batch overhead. */
public final class OracleStrategy implements Strategy {
    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public void run(Simulator sim) {
        while (!sim.stopped()) {
            sim.oracleStep();
        }
    }
}
