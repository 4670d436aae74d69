package io.migobs.bench.sim;

/**
 * After gh-ost's defaults: a fixed chunk of 1,000 rows; before each chunk, while the lag sample is above 1.5 s
 * ({@code --max-lag-millis=1500}), sleep 250 ms.
 */
public final class GhostStrategy implements Strategy {
    static final int CHUNK = 1_000;
    static final double MAX_LAG_SECONDS = 1.5;
    static final double THROTTLE_SLEEP_SECONDS = 0.25;

    @Override
    public String name() {
        return "ghost";
    }

    @Override
    public void run(Simulator sim) {
        while (!sim.stopped()) {
            while (sim.sampledLag() > MAX_LAG_SECONDS && !sim.stopped()) {
                sim.sleep(THROTTLE_SLEEP_SECONDS);
            }
            if (!sim.stopped()) {
                sim.batch(Math.min(CHUNK, sim.remainingRows()));
            }
        }
    }
}
