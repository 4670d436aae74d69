package io.migobs.bench.sim;

import java.util.Arrays;

/**
 * The simulated database of SIMULATOR.md, driven by one strategy. Deterministic: the same model, profile and
 * sequence of actions give the same numbers bit for bit.
 *
 * <p>Two clocks move together. The strategy's clock ({@link #nowNanos()}) is continuous: a batch ends exactly
 * {@code overhead + n / min(S, C·(1 − ρ))} after it starts, a sleep exactly when asked. The environment advances in
 * fixed steps of dt: at the end of each step the replica applies R·dt rows in commit order, the lag, the write rate
 * over the last window, utilization and latency inflation are computed, SLO time and red lines are checked, and on
 * the sampling grid the signals the strategies see are updated. A batch's rows commit in the step that contains its
 * end, stamped with its exact end time. Each step costs O(1) amortized (the commit queue pops whole batches), so a
 * run costs O(steps + batches).
 *
 * <p>Not thread-safe: one strategy thread drives it (a {@code MigrationRun}'s signal reader thread reads the sampled
 * values while the driving thread waits for it).
 */
public final class Simulator {
    private static final double EPS_ROWS = 1e-6;

    private final Model model;
    private final Profile profile;
    private final long dt;
    private final double dtSeconds;
    private final long sampleSteps;
    private final long maxNanos;
    private final double lagViolationAt;
    private final double inflationViolationAt;

    // commit queue (ring)
    private long[] qTime = new long[1024];
    private double[] qRows = new double[1024];
    private int qHead;
    private int qSize;

    // write-rate window
    private final double[] window;
    private double windowSum;
    private double currentStepRows;

    private long step;
    private long now;
    private double copied;
    private boolean finished;
    private long finishNanos;
    private boolean aborted;
    private String abortReason = "";

    private double lag;
    private double inflation = 1;
    private volatile double sampledLag;
    private volatile double sampledInflation = 1;
    private volatile long sampleNanos;

    private long lagViolationSteps;
    private long inflationViolationSteps;
    private double maxLag;
    private double[] inflations = new double[4096];
    private int inflationCount;
    private long batches;

    /**
     * A fresh simulation at time 0 with nothing copied.
     *
     * @param model the parameters
     * @param profile the load profile
     */
    public Simulator(Model model, Profile profile) {
        this.model = model;
        this.profile = profile;
        this.dt = model.stepNanos();
        this.dtSeconds = dt / 1e9;
        this.sampleSteps = model.sampleSteps();
        this.maxNanos = Math.round(model.maxSeconds() * 1e9);
        this.window = new double[model.windowSteps()];
        this.lagViolationAt = model.lagSloSeconds() * 1.01;
        this.inflationViolationAt = model.inflationSlo() * 1.01;
    }

    /** @return the model */
    public Model model() {
        return model;
    }

    /** @return the profile */
    public Profile profile() {
        return profile;
    }

    /** @return the strategy's clock, in nanoseconds since the start */
    public long nanoTime() {
        return now;
    }

    /** @return the strategy's clock, in seconds since the start */
    public double seconds() {
        return now / 1e9;
    }

    /** @return the replica lag at the last sample time, seconds */
    public double sampledLag() {
        return sampledLag;
    }

    /** @return the latency inflation at the last sample time */
    public double sampledInflation() {
        return sampledInflation;
    }

    /** @return when the last sample was taken, nanoseconds since the start */
    public long sampleNanos() {
        return sampleNanos;
    }

    /** @return the lag at the end of the last step, seconds (the truth, not what strategies see) */
    public double lag() {
        return lag;
    }

    /** @return the inflation at the end of the last step (the truth) */
    public double inflation() {
        return inflation;
    }

    /** @return rows still to copy, rounded up */
    public long remainingRows() {
        return (long) Math.ceil(Math.max(0, model.rows() - copied - EPS_ROWS));
    }

    /** @return whether the run finished, aborted on a red line or hit the time limit */
    public boolean stopped() {
        return finished || aborted;
    }

    /** @return whether every row was copied */
    public boolean finished() {
        return finished;
    }

    /** @return whether a red line (or the time limit) stopped the run */
    public boolean aborted() {
        return aborted;
    }

    /** @return why the run aborted, or empty */
    public String abortReason() {
        return abortReason;
    }

    /** @return batches run so far */
    public long batches() {
        return batches;
    }

    /**
     * Runs one batch of {@code n} rows starting now: the clock moves to its end and its rows commit then.
     *
     * @param n rows, at least 1 and at most {@link #remainingRows()}
     * @return the batch's duration in seconds, or 0 if the run had stopped
     * @throws IllegalArgumentException if n is out of range
     */
    public double batch(long n) {
        if (stopped()) {
            return 0;
        }
        if (n < 1 || n > remainingRows()) {
            throw new IllegalArgumentException("batch of " + n + " rows: must be within [1, " + remainingRows()
                    + "]");
        }
        int i = profile.indexAt(now);
        double speed = Math.min(model.connectionRowsPerSecond(), profile.capacity(i) * (1 - profile.load(i)));
        double d = model.overheadSeconds() + n / speed;
        long end = now + Math.max(1, Math.round(d * 1e9));
        advance(end, false);
        if (stopped()) {
            return 0;
        }
        now = end;
        batches++;
        commit(n, end);
        if (copied >= model.rows() - EPS_ROWS) {
            finished = true;
            finishNanos = end;
        }
        return d;
    }

    /**
     * Waits: the clock moves by {@code nanos}.
     *
     * @param nanos how long; zero or negative does nothing
     */
    public void sleepNanos(long nanos) {
        if (nanos <= 0 || stopped()) {
            return;
        }
        long end = now + nanos;
        advance(end, true);
        if (!stopped()) {
            now = end;
        }
    }

    /**
     * Waits for {@code seconds}.
     *
     * @param seconds how long
     */
    public void sleep(double seconds) {
        sleepNanos(Math.round(seconds * 1e9));
    }

    /**
     * The oracle's move: during the next step, write {@code r*(t)·dt} rows (no batch overhead), committed at the
     * step's end, then process the step. Call only on a step boundary (the oracle never does anything else).
     */
    public void oracleStep() {
        if (stopped()) {
            return;
        }
        int i = profile.indexAt(now);
        double rows = Math.min(model.rows() - copied, oracleRate(i) * dtSeconds);
        long end = (step + 1) * dt;
        commit(rows, end);
        advance(end, true);
        if (!stopped()) {
            now = end;
            if (copied >= model.rows() - EPS_ROWS) {
                finished = true;
                finishNanos = end;
            }
        }
    }

    /**
     * The fluid lower bound r* = min(R, C·(1 − ρ)/2, S) in effect at profile row {@code i}.
     *
     * @param i a profile row
     * @return rows per second
     */
    public double oracleRate(int i) {
        return Math.min(Math.min(profile.replica(i), profile.capacity(i) * (1 - profile.load(i)) / 2),
                model.connectionRowsPerSecond());
    }

    private void commit(double rows, long at) {
        if (qSize == qTime.length) {
            growQueue();
        }
        int tail = (qHead + qSize) % qTime.length;
        qTime[tail] = at;
        qRows[tail] = rows;
        qSize++;
        currentStepRows += rows;
        copied += rows;
    }

    private void growQueue() {
        int n = qTime.length;
        long[] t = new long[n * 2];
        double[] r = new double[n * 2];
        for (int i = 0; i < qSize; i++) {
            t[i] = qTime[(qHead + i) % n];
            r[i] = qRows[(qHead + i) % n];
        }
        qTime = t;
        qRows = r;
        qHead = 0;
    }

    /** Processes every step ending before {@code t} (or at {@code t} when inclusive). */
    private void advance(long t, boolean inclusive) {
        while (!stopped()) {
            long end = (step + 1) * dt;
            if (inclusive ? end > t : end >= t) {
                break;
            }
            step();
        }
        if (!stopped() && t > maxNanos) {
            aborted = true;
            abortReason = "time limit " + model.maxSeconds() + " s";
        }
    }

    private void step() {
        long start = step * dt;
        step++;
        long end = step * dt;
        int i = profile.indexAt(start);
        double budget = profile.replica(i) * dtSeconds;
        while (qSize > 0 && budget > 0) {
            double take = Math.min(budget, qRows[qHead]);
            qRows[qHead] -= take;
            budget -= take;
            if (qRows[qHead] <= EPS_ROWS) {
                qHead = (qHead + 1) % qTime.length;
                qSize--;
            }
        }
        lag = qSize > 0 ? (end - qTime[qHead]) / 1e9 : 0;

        int slot = (int) (step % window.length);
        windowSum += currentStepRows - window[slot];
        window[slot] = currentStepRows;
        currentStepRows = 0;
        if (windowSum < 0) {
            windowSum = 0;
        }
        double w = windowSum / model.windowSeconds();
        int j = profile.indexAt(end);
        double rho = profile.load(j);
        double u = Math.min(0.99, rho + w / profile.capacity(j));
        inflation = (1 - rho) / (1 - u);

        if (lag > lagViolationAt) {
            lagViolationSteps++;
        }
        if (inflation > inflationViolationAt) {
            inflationViolationSteps++;
        }
        maxLag = Math.max(maxLag, lag);
        if (inflationCount == inflations.length) {
            inflations = Arrays.copyOf(inflations, inflationCount * 2);
        }
        inflations[inflationCount++] = inflation;
        if (step % sampleSteps == 0) {
            sampledLag = lag;
            sampledInflation = inflation;
            sampleNanos = end;
        }
        if (lag >= model.lagRedSeconds()) {
            aborted = true;
            abortReason = String.format(java.util.Locale.ROOT, "lag %.2f s reached the red line at t=%.2f s", lag,
                    end / 1e9);
        } else if (inflation >= model.inflationRed()) {
            aborted = true;
            abortReason = String.format(java.util.Locale.ROOT,
                    "inflation %.2f reached the red line at t=%.2f s", inflation, end / 1e9);
        }
        if (aborted) {
            now = end;
        }
    }

    /**
     * The outcome so far.
     *
     * @param strategy the strategy's name
     * @return the result, without the oracle's time and survivability (see {@link Result#against})
     */
    public Result result(String strategy) {
        double time = finished ? finishNanos / 1e9 : now / 1e9;
        return new Result(profile.name(), strategy, time, Double.NaN, lagViolationSteps * dtSeconds, maxLag,
                p99(), inflationViolationSteps * dtSeconds, !finished, false, batches,
                finished ? "" : (aborted ? abortReason : "did not finish"));
    }

    private double p99() {
        if (inflationCount == 0) {
            return 1;
        }
        double[] s = Arrays.copyOf(inflations, inflationCount);
        Arrays.sort(s);
        int rank = (int) Math.ceil(0.99 * s.length);
        return s[Math.max(0, rank - 1)];
    }
}
