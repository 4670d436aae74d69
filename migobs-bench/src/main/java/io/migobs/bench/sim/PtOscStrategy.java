package io.migobs.bench.sim;

/**
 * After pt-online-schema-change's defaults: {@code --chunk-time 0.5} with its weighted average rate of weight 0.75
 * (the first chunk 1,000 rows, never below 1 row); after each chunk, while the lag sample is above 1 s
 * ({@code --max-lag 1}), sleep 1 s ({@code --check-interval 1}).
 *
 * <p>The weighted average is pt-osc's {@code WeightedAvgRate}: {@code n̄ = 0.75·n̄ + n}, {@code t̄ = 0.75·t̄ + t},
 * next chunk = {@code n̄ / t̄ × chunk-time}.
 */
public final class PtOscStrategy implements Strategy {
    static final double CHUNK_TIME = 0.5;
    static final double WEIGHT = 0.75;
    static final long FIRST_CHUNK = 1_000;
    static final double MAX_LAG_SECONDS = 1;
    static final double CHECK_INTERVAL_SECONDS = 1;

    @Override
    public String name() {
        return "ptosc";
    }

    @Override
    public void run(Simulator sim) {
        long chunk = FIRST_CHUNK;
        double avgN = 0;
        double avgT = 0;
        boolean first = true;
        while (!sim.stopped()) {
            long n = Math.min(chunk, sim.remainingRows());
            double t = sim.batch(n);
            if (sim.stopped()) {
                break;
            }
            if (first) {
                avgN = n;
                avgT = t;
                first = false;
            } else {
                avgN = avgN * WEIGHT + n;
                avgT = avgT * WEIGHT + t;
            }
            chunk = Math.max(1, (long) (avgN / avgT * CHUNK_TIME));
            while (sim.sampledLag() > MAX_LAG_SECONDS && !sim.stopped()) {
                sim.sleep(CHECK_INTERVAL_SECONDS);
            }
        }
    }
}
