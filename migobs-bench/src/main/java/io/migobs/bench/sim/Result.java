package io.migobs.bench.sim;

import java.util.Locale;

/**
 * One strategy's outcome on one profile.
 *
 * @param profile the profile's name
 * @param strategy the strategy's name
 * @param timeSeconds when the last row committed (or when the run was stopped)
 * @param oracleSeconds the oracle's completion time T* on the same profile
 * @param lagViolationSeconds simulated time with lag more than 1% above its SLO
 * @param maxLagSeconds the largest lag seen
 * @param inflationP99 the 99th percentile of latency inflation over the run's steps
 * @param inflationViolationSeconds simulated time with inflation more than 1% above its SLO
 * @param aborted whether the run did not finish (a red line or the time limit)
 * @param survivable whether the oracle never crossed a red line on this profile
 * @param batches batches run
 * @param abortReason why it aborted, or empty
 */
public record Result(String profile, String strategy, double timeSeconds, double oracleSeconds,
        double lagViolationSeconds, double maxLagSeconds, double inflationP99, double inflationViolationSeconds,
        boolean aborted, boolean survivable, long batches, String abortReason) {

    /**
     * This result measured against the oracle's.
     *
     * @param oracle the oracle's result on the same profile
     * @return a copy with the oracle's time and the profile's survivability
     */
    public Result against(Result oracle) {
        return new Result(profile, strategy, timeSeconds, oracle.timeSeconds, lagViolationSeconds, maxLagSeconds,
                inflationP99, inflationViolationSeconds, aborted, !oracle.aborted, batches, abortReason);
    }

    /** @return time / T* */
    public double ratio() {
        return timeSeconds / oracleSeconds;
    }

    /**
     * Whether this run was safe: it did not abort and spent at most {@code slackSeconds} more than the oracle above
     * each SLO.
     *
     * @param oracle the oracle's result
     * @param slackSeconds allowed extra seconds (2 in the goal)
     * @return whether it was safe
     */
    public boolean safeAgainst(Result oracle, double slackSeconds) {
        return !aborted && lagViolationSeconds <= oracle.lagViolationSeconds + slackSeconds + 1e-9
                && inflationViolationSeconds <= oracle.inflationViolationSeconds + slackSeconds + 1e-9;
    }

    /** @return the machine-readable line of SIMULATOR.md */
    public String resultLine() {
        return String.format(Locale.ROOT, "RESULT profile=%s strategy=%s time_s=%.2f oracle_s=%.2f ratio=%.4f"
                + " lag_slo_violation_s=%.2f max_lag_s=%.2f inflation_p99=%.3f inflation_slo_violation_s=%.2f"
                + " aborted=%s survivable=%s", profile, strategy, timeSeconds, oracleSeconds, ratio(),
                lagViolationSeconds, maxLagSeconds, inflationP99, inflationViolationSeconds, aborted, survivable);
    }
}
