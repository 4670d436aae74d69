package io.migobs.bench.sim;

/**
 * The simulated database's parameters (SIMULATOR.md "The model"); every one is a command-line flag.
 *
 * @param stepSeconds the time step dt [0.01 s]
 * @param rows rows to copy N [5,000,000]
 * @param overheadSeconds fixed cost of one batch [0.005 s]
 * @param connectionRowsPerSecond S, the write speed of one connection [20,000 rows/s]
 * @param baseLatencySeconds production latency at zero load [0.010 s]
 * @param sampleSeconds the signal sampling grid [1 s]
 * @param windowSeconds the window of the backfill write rate w [1 s]
 * @param lagSloSeconds the lag SLO [5 s]
 * @param inflationSlo the latency-inflation SLO [2.0]
 * @param lagRedSeconds the lag red line that aborts [30 s]
 * @param inflationRed the inflation red line that aborts [4.0]
 * @param maxSeconds simulated time after which a strategy that has not finished is stopped [86,400 s]
 */
public record Model(double stepSeconds, long rows, double overheadSeconds, double connectionRowsPerSecond,
        double baseLatencySeconds, double sampleSeconds, double windowSeconds, double lagSloSeconds,
        double inflationSlo, double lagRedSeconds, double inflationRed, double maxSeconds) {

    /** The defaults of SIMULATOR.md. */
    public static final Model DEFAULT = new Model(0.01, 5_000_000, 0.005, 20_000, 0.010, 1, 1, 5, 2.0, 30, 4.0,
            86_400);

    /**
     * Validates the parameters.
     *
     * @throws IllegalArgumentException naming the parameter and value when one is out of range
     */
    public Model {
        positive(stepSeconds, "step-s");
        if (rows <= 0) {
            throw new IllegalArgumentException("rows " + rows + " must be positive");
        }
        if (overheadSeconds < 0 || Double.isNaN(overheadSeconds)) {
            throw new IllegalArgumentException("overhead-s " + overheadSeconds + " must not be negative");
        }
        positive(connectionRowsPerSecond, "connection-rows-s");
        positive(baseLatencySeconds, "base-latency-s");
        positive(sampleSeconds, "sample-s");
        positive(windowSeconds, "window-s");
        positive(lagSloSeconds, "lag-slo-s");
        positive(inflationSlo, "inflation-slo");
        positive(lagRedSeconds, "lag-red-s");
        positive(inflationRed, "inflation-red");
        positive(maxSeconds, "max-s");
        if (sampleSeconds < stepSeconds || windowSeconds < stepSeconds) {
            throw new IllegalArgumentException("sample-s " + sampleSeconds + " and window-s " + windowSeconds
                    + " must not be shorter than step-s " + stepSeconds);
        }
    }

    private static void positive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " " + v + " must be a positive finite number");
        }
    }

    /** @return the step in nanoseconds */
    public long stepNanos() {
        return Math.round(stepSeconds * 1e9);
    }

    /** @return the sample interval in whole steps */
    public long sampleSteps() {
        return Math.max(1, Math.round(sampleSeconds / stepSeconds));
    }

    /** @return the write-rate window in whole steps */
    public int windowSteps() {
        return (int) Math.max(1, Math.round(windowSeconds / stepSeconds));
    }
}
