package io.migobs.artifacts.internal;

import io.migobs.Gate;
import io.migobs.MigrationPlan;
import java.util.Map;

/** How a gate's thresholds read in the documents. Not API. */
public final class GateText {
    private GateText() {
    }

    public static boolean above(Gate g) {
        return g.direction() == Gate.Direction.ABOVE;
    }

    /** "&gt;" or "&lt;": the comparison that is bad. */
    public static String bad(Gate g) {
        return above(g) ? ">" : "<";
    }

    /** "≤" or "≥": the comparison that is fine. */
    public static String good(Gate g) {
        return above(g) ? "≤" : "≥";
    }

    /** The unit of the signal. */
    public static String unit(Gate g) {
        return g.signal().unit();
    }

    /**
     * A threshold in words: "5 seconds", or for a relative gate "1.5 × baseline p99" followed by the effective value
     * when the baseline is known.
     */
    public static String threshold(Gate g, double t, Map<String, Double> baselines) {
        if (!g.isRelative()) {
            return Text.value(t, unit(g));
        }
        String s = Text.num(t) + " × baseline " + Text.words(g.baselineStatistic());
        Double base = baselines.get(g.name());
        if (base != null && !base.isNaN()) {
            s += " (= " + Text.value(base * t, unit(g)) + ")";
        }
        return s;
    }

    /** The sentence for "hold": "3 samples × 1s = 3s". */
    public static String hold(Gate g) {
        return g.holdSamples() + " × " + Text.duration(g.sampleInterval()) + " = " + Text.duration(g.holdWindow());
    }

    public static String proceed(Gate g, Map<String, Double> baselines) {
        double t = g.hasYellow() ? g.yellowThreshold() : g.redThreshold();
        String steer = g.hasTarget() ? "; the run paces itself to hold it near "
                + threshold(g, g.targetValue(), baselines) : "";
        return good(g) + " " + threshold(g, t, baselines) + steer;
    }

    public static String yellowAction(Gate g) {
        return g.yellowAction() == Gate.YellowAction.PAUSE ? "Pause" : "Throttle";
    }

    public static String yellow(Gate g, Map<String, Double> baselines) {
        if (!g.hasYellow()) {
            return g.hasRed() ? yellowAction(g) + " at once on any single sample " + bad(g) + " "
                    + threshold(g, g.redThreshold(), baselines) + " (no yellow level)" : "—";
        }
        return yellowAction(g) + " when " + bad(g) + " " + threshold(g, g.yellowThreshold(), baselines) + " for "
                + g.holdSamples() + " samples (" + Text.duration(g.holdWindow()) + ")";
    }

    public static String redVerb(MigrationPlan plan) {
        return plan.stopsAndStabilizesOnRed() ? "Stop and stabilize" : "Roll back";
    }

    public static String red(Gate g, MigrationPlan plan, Map<String, Double> baselines) {
        if (!g.hasRed()) {
            return "— (no red level: this gate never " + (plan.stopsAndStabilizesOnRed() ? "stops" : "aborts")
                    + " the run)";
        }
        return redVerb(plan) + " when " + bad(g) + " " + threshold(g, g.redThreshold(), baselines) + " for "
                + g.holdSamples() + " samples (" + Text.duration(g.holdWindow()) + ")";
    }

    /** Compact "yellow > 5 seconds, red > 30 seconds". */
    public static String compact(Gate g, Map<String, Double> baselines) {
        StringBuilder sb = new StringBuilder();
        if (g.hasYellow()) {
            sb.append("yellow ").append(bad(g)).append(' ').append(threshold(g, g.yellowThreshold(), baselines));
        }
        if (g.hasRed()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append("red ").append(bad(g)).append(' ').append(threshold(g, g.redThreshold(), baselines));
        }
        return sb.toString();
    }

    /** Whether the signal says where its value comes from (Signal.source() defaults to the name). */
    public static boolean hasSource(Gate g) {
        String s = g.signal().source();
        return s != null && !s.isBlank() && !s.equals(g.signal().name());
    }
}
