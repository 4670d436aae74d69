package io.migobs.internal;

/**
 * Adaptive batch size and rate: additive increase toward the target batch time while green, multiplicative
 * decrease on every fresh yellow sample. Not thread-safe: the run calls it under its lock. Not API.
 *
 * <p><b>Algorithm.</b>
 * <ul>
 *   <li>Per completed batch, the active throughput of batches is smoothed with weight 0.75 on history
 *       ({@code r = 0.75 r + 0.25 rows/duration}, pt-online-schema-change's weighting). The ideal size is
 *       {@code r × targetBatchTime}.</li>
 *   <li>Green: the size grows additively by {@code step = max(min, initial / 2)} per batch, never past the ideal;
 *       if the ideal is below the current size (batches take longer than the target), the size drops to the ideal
 *       at once. Additive growth approaches the limit carefully; a direct jump to the ideal after a throttle would
 *       re-create the load that caused it.</li>
 *   <li>Yellow (throttle): on each fresh non-green gate sample, size and rate halve (multiplicative decrease). The
 *       rate cap starts at half the recent throughput when no cap was in force. Halving per <em>sample</em>, not per
 *       batch, keeps the decrease proportional to how long the signal stays bad, whatever the batch rate.</li>
 *   <li>Green samples while a rate cap from throttling is in force raise it additively by 10% of the rate before
 *       throttling (or of the plan's cap); the cap is lifted when it reaches either.</li>
 *   <li>Everything is clamped to [min, max] batch size; the phase may lower max.</li>
 * </ul>
 * AIMD is the scheme TCP uses to share a bottleneck safely: backing off fast and probing slowly converges to the
 * capacity without oscillating into overload.
 */
public final class BatchController {
    private final int min;
    private final int max;
    private final double step;
    private final double targetSeconds;
    private final double minRate;
    private double size;
    private double throughput;
    private double rateCap;
    private double rateBeforeThrottle;

    public BatchController(int initial, int min, int max, double targetSeconds) {
        this.min = min;
        this.max = max;
        this.size = initial;
        this.step = Math.max(min, initial / 2.0);
        this.targetSeconds = targetSeconds;
        this.minRate = Math.max(1.0, min / 10.0);
    }

    /** The size of the next batch within [min, min(max, phaseMax)]. */
    public int next(int phaseMax) {
        int cap = phaseMax > 0 ? Math.min(max, phaseMax) : max;
        return (int) Math.max(min, Math.min(cap, Math.round(size)));
    }

    public int size() {
        return (int) Math.round(size);
    }

    /** Records a completed batch; grows toward the ideal when green. */
    public void onBatch(long rows, long durationNanos, boolean green) {
        if (rows > 0 && durationNanos > 0) {
            double r = rows / (durationNanos / 1e9);
            throughput = throughput == 0 ? r : 0.75 * throughput + 0.25 * r;
        }
        if (green && throughput > 0) {
            double ideal = throughput * targetSeconds;
            if (size < ideal) {
                size = Math.min(ideal, size + step);
            } else {
                size = ideal;
            }
            size = clamp(size);
        }
    }

    /** A fresh yellow sample: halve size and rate. */
    public void backOff(double recentRowsPerSecond) {
        size = clamp(size / 2);
        if (rateCap == 0) {
            double base = recentRowsPerSecond > 0 ? recentRowsPerSecond : throughput;
            if (base <= 0) {
                return;
            }
            rateBeforeThrottle = base;
            rateCap = Math.max(minRate, base / 2);
        } else {
            rateCap = Math.max(minRate, rateCap / 2);
        }
    }

    /** A fresh all-green sample: raise the rate cap additively, lift it when restored. */
    public void recover(double planCap) {
        if (rateCap == 0) {
            return;
        }
        double reference = planCap > 0 ? Math.min(planCap, rateBeforeThrottle) : rateBeforeThrottle;
        rateCap += Math.max(minRate, 0.1 * reference);
        if (rateCap >= reference) {
            rateCap = 0;
        }
    }

    /** The controller's rate cap in rows per second, or 0 when none. */
    public double rateCap() {
        return rateCap;
    }

    public double smoothedThroughput() {
        return throughput;
    }

    private double clamp(double s) {
        return Math.max(min, Math.min(max, s));
    }
}
