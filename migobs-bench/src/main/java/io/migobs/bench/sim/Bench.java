package io.migobs.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Runs strategies on a profile and judges them against the oracle and the goal of SIMULATOR.md. */
public final class Bench {
    /** Extra seconds above each SLO, beyond the oracle's, the goal allows: 2. */
    public static final double SLO_SLACK_SECONDS = 2;
    /** The goal's bound on time / T*: 1.10. */
    public static final double MAX_RATIO = 1.10;
    /** How much slower than a safe baseline the goal allows: 5%. */
    public static final double BASELINE_SLACK = 1.05;

    private Bench() {
    }

    /** @return the four strategies in output order */
    public static List<Strategy> allStrategies() {
        return List.of(new OracleStrategy(), new GhostStrategy(), new PtOscStrategy(), new MigobsStrategy());
    }

    /**
     * Runs the oracle and then each strategy on a fresh simulation of the profile.
     *
     * @param model the model
     * @param profile the profile
     * @param strategies which strategies besides the oracle (the oracle is always run first)
     * @return one result per strategy, oracle first
     */
    public static List<Result> run(Model model, Profile profile, List<Strategy> strategies) {
        Simulator o = new Simulator(model, profile);
        new OracleStrategy().run(o);
        Result oracle = o.result("oracle");
        oracle = oracle.against(oracle);
        List<Result> out = new ArrayList<>();
        out.add(oracle);
        for (Strategy s : strategies) {
            if (s instanceof OracleStrategy) {
                continue;
            }
            Simulator sim = new Simulator(model, profile);
            s.run(sim);
            out.add(sim.result(s.name()).against(oracle));
        }
        return out;
    }

    /**
     * Whether {@code subject} meets the goal on this profile: on a survivable profile it never aborts, spends at most
     * 2 s more than the oracle above each SLO, finishes within 1.10 × T*, and is at most 5% slower than any other
     * strategy that met the first two conditions. On a profile that is not survivable the goal does not apply.
     *
     * @param results the results of one profile, oracle first
     * @param subject the strategy judged
     * @return null when met, else the reasons
     */
    public static String goalMiss(List<Result> results, String subject) {
        Result oracle = results.get(0);
        if (!oracle.survivable()) {
            return null;
        }
        Result me = results.stream().filter(r -> r.strategy().equals(subject)).findFirst().orElseThrow();
        List<String> why = new ArrayList<>();
        if (me.aborted()) {
            why.add("aborted (" + me.abortReason() + ")");
        }
        if (me.lagViolationSeconds() > oracle.lagViolationSeconds() + SLO_SLACK_SECONDS + 1e-9) {
            why.add(String.format(Locale.ROOT, "lag above SLO %.2f s vs oracle %.2f s", me.lagViolationSeconds(),
                    oracle.lagViolationSeconds()));
        }
        if (me.inflationViolationSeconds() > oracle.inflationViolationSeconds() + SLO_SLACK_SECONDS + 1e-9) {
            why.add(String.format(Locale.ROOT, "inflation above SLO %.2f s vs oracle %.2f s",
                    me.inflationViolationSeconds(), oracle.inflationViolationSeconds()));
        }
        if (!me.aborted() && me.ratio() > MAX_RATIO) {
            why.add(String.format(Locale.ROOT, "ratio %.3f > %.2f", me.ratio(), MAX_RATIO));
        }
        for (Result r : results) {
            if (r == oracle || r.strategy().equals(subject) || !r.safeAgainst(oracle, SLO_SLACK_SECONDS)) {
                continue;
            }
            if (!me.aborted() && me.timeSeconds() > r.timeSeconds() * BASELINE_SLACK) {
                why.add(String.format(Locale.ROOT, "%.1f%% slower than safe %s", 100 * (me.timeSeconds()
                        / r.timeSeconds() - 1), r.strategy()));
            }
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    /**
     * The table for people.
     *
     * @param results one profile's results, oracle first
     * @return the table, lines ending in a newline
     */
    public static String table(List<Result> results) {
        Result oracle = results.get(0);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "profile %s: T* = %.1f s, %s%n", oracle.profile(),
                oracle.timeSeconds(), oracle.survivable() ? "survivable" : "NOT survivable (the oracle aborts)"));
        sb.append(String.format(Locale.ROOT, "  %-8s %10s %7s %12s %9s %9s %12s %8s %8s  %s%n", "strategy", "time_s",
                "ratio", "lag>SLO_s", "max_lag", "infl_p99", "infl>SLO_s", "batches", "aborted", "note"));
        for (Result r : results) {
            String note = r.aborted() ? r.abortReason() : "";
            if (r.strategy().equals("migobs")) {
                String miss = goalMiss(results, "migobs");
                note = (note.isEmpty() ? "" : note + "; ") + (!oracle.survivable() ? "goal n/a"
                        : miss == null ? "goal met" : "goal MISSED: " + miss);
            }
            sb.append(String.format(Locale.ROOT, "  %-8s %10.1f %7.3f %12.2f %9.2f %9.3f %12.2f %8d %8s  %s%n",
                    r.strategy(), r.timeSeconds(), r.ratio(), r.lagViolationSeconds(), r.maxLagSeconds(),
                    r.inflationP99(), r.inflationViolationSeconds(), r.batches(), r.aborted(), note));
        }
        return sb.toString();
    }
}
