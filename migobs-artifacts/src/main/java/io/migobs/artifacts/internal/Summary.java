package io.migobs.artifacts.internal;

import io.migobs.BlastRadius;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.Phase;
import io.migobs.RollbackComplexity;
import io.migobs.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The summary in the output contract of the brief migobs grew from: labeled bullets, in order — classification;
 * progress metrics with thresholds and sources; safety metrics with thresholds and sources; gate table by phase; files
 * produced; risks, assumptions and missing instrumentation. Not API.
 */
public final class Summary {
    private final MigrationPlan plan;
    private final Map<String, Double> baselines;
    private final boolean baselinesMeasured;
    private final Duration stallWindow;

    public Summary(MigrationPlan plan, Map<String, Double> baselines, boolean baselinesMeasured,
            Duration stallWindow) {
        this.plan = plan;
        this.baselines = baselines;
        this.baselinesMeasured = baselinesMeasured;
        this.stallWindow = stallWindow;
    }

    public String render(List<String> files) {
        Md md = new Md();
        md.h1("Summary: " + plan.name());
        md.bullet(Md.b("Migration classification:") + " " + Text.words(plan.type()) + "; blast radius "
                + Text.words(plan.blastRadius()) + "; rollback complexity " + Text.words(plan.rollback()) + " ("
                + (plan.stopsAndStabilizesOnRed() ? "red stops and stabilizes, then escalates"
                : "red aborts" + (plan.rollbackAction() != null ? " and runs the rollback hook"
                : ", no rollback hook")) + ").");
        md.bullet(Md.b("Progress metrics (thresholds + sources):"));
        for (String s : progress()) {
            md.subBullet(s);
        }
        md.bullet(Md.b("Safety metrics (thresholds + sources):"));
        for (String s : safety()) {
            md.subBullet(s);
        }
        md.bullet(Md.b("Gate table by phase (proceed / pause-throttle / " + (plan.stopsAndStabilizesOnRed()
                ? "stop-and-stabilize" : "rollback") + "):"));
        for (Phase p : plan.phases()) {
            List<Gate> gates = plan.gatesOf(p);
            StringBuilder sb = new StringBuilder(Md.c(p.name())).append(": ");
            if (gates.isEmpty()) {
                sb.append("_no gate_");
            }
            List<String> parts = new ArrayList<>();
            for (Gate g : gates) {
                parts.add(Md.c(g.name()) + " proceed " + GateText.proceed(g, baselines) + " / "
                        + (g.hasYellow() ? GateText.yellowAction(g).toLowerCase(java.util.Locale.ROOT) + " "
                        + GateText.bad(g) + " " + GateText.threshold(g, g.yellowThreshold(), baselines) : "—") + " / "
                        + (g.hasRed() ? GateText.redVerb(plan).toLowerCase(java.util.Locale.ROOT) + " "
                        + GateText.bad(g) + " " + GateText.threshold(g, g.redThreshold(), baselines) : "—")
                        + " (hold " + Text.duration(g.holdWindow()) + ")");
            }
            sb.append(String.join("; ", parts));
            if (p.requiresApproval()) {
                sb.append("; then wait for approval");
            }
            md.subBullet(sb.toString());
        }
        md.bullet(Md.b("Runbook/dashboard/alerts file paths produced:"));
        for (String f : files) {
            md.subBullet(Md.c(f));
        }
        md.bullet(Md.b("Risks, assumptions, and missing instrumentation:"));
        for (String s : risks()) {
            md.subBullet(s);
        }
        md.endList();
        return md.toString();
    }

    private List<String> progress() {
        List<String> p = new ArrayList<>();
        p.add("rows processed " + Md.c(Prom.ROWS) + ": target " + (plan.totalRows() > 0
                ? Text.count(plan.totalRows()) + (plan.totalIsEstimate() ? " (estimate)" : "") + " rows"
                : "unknown") + "; stalled when no row moves for " + Text.duration(stallWindow)
                + " while running — source: the batch loop (`Batch.complete`)");
        p.add("progress " + Md.c(Prom.PROGRESS) + ": 0–100% — source: " + plan.progressDescription());
        p.add("throughput " + Md.c(Prom.THROUGHPUT) + " (recent, effective): " + (plan.maxRowsPerSecond() > 0
                ? "capped at " + Text.num(plan.maxRowsPerSecond()) + " rows/s" : "no cap") + " — source: migobs,"
                + " rows ÷ time");
        p.add("ETA " + Md.c(Prom.ETA + "{basis=\"effective\"}") + ": " + (plan.maintenanceWindow() != null
                ? "must stay within what is left of the " + Text.duration(plan.maintenanceWindow())
                + " maintenance window" : "no threshold (no maintenance window)") + " — source: migobs,"
                + " remaining ÷ effective rate (throttled and paused time included)");
        p.add("batch size " + Md.c(Prom.BATCH_SIZE) + ": " + plan.minBatchSize() + "–" + plan.maxBatchSize()
                + " rows, batch duration target " + Text.duration(plan.targetBatchTime()) + " — source: migobs"
                + " controller");
        if (plan.replicaLag() != null) {
            p.add("replica lag " + Md.c(Prom.LAG + "{kind=\"replica\"}") + ": " + lagThreshold() + " — source: "
                    + plan.replicaLag().source());
        }
        if (plan.sourceHead() != null) {
            p.add("backlog " + Md.c(Prom.BACKLOG) + ": no threshold — source: the source's head key minus the"
                    + " cursor");
        }
        return p;
    }

    private String lagThreshold() {
        for (Gate g : plan.allGates()) {
            if (g.signal() == plan.replicaLag()) {
                return "gated by " + Md.c(g.name()) + ", " + GateText.compact(g, baselines);
            }
        }
        return "exported only, no gate";
    }

    private List<String> safety() {
        List<String> s = new ArrayList<>();
        for (PlanGates pg : PlanGates.of(plan)) {
            Gate g = pg.gate();
            s.add("gate " + Md.c(g.name()) + " on " + Md.c(g.signal().name()) + " (" + g.signal().unit() + "): "
                    + GateText.compact(g, baselines) + ", hold " + GateText.hold(g)
                    + (pg.phase() == null ? "" : ", phase " + pg.phase() + " only") + " — source: "
                    + (GateText.hasSource(g) ? g.signal().source() : "_not described_") + "; exported as "
                    + Md.c(Prom.GATE_VALUE + "{gate=\"" + g.name() + "\"}"));
        }
        s.add("failed batches " + Md.c(Prom.BATCHES + "{outcome=\"failure\"}") + ": " + (plan.errorBudget() > 0
                ? "error budget " + Text.percent(plan.errorBudget()) : "no error budget stated") + "; "
                + plan.maxConsecutiveFailures() + " consecutive failures abort — source: batch outcomes reported to"
                + " migobs");
        for (MigrationPlan.InvariantSpec inv : plan.invariants()) {
            s.add("invariant " + Md.c(inv.name()) + " (" + inv.cadence() + "): red on any mismatch — source: "
                    + Text.orElse(inv.description(), "_not described_") + "; exported as "
                    + Md.c(Prom.INVARIANT_CHECKS + "{invariant=\"" + inv.name() + "\",outcome=\"fail\"}"));
        }
        return s;
    }

    /** Risks, assumptions and missing instrumentation, named rather than hidden. */
    public List<String> risks() {
        List<String> r = new ArrayList<>();
        if (plan.allGates().isEmpty()) {
            r.add("MISSING: no gate — nothing throttles, pauses or stops the run on a safety signal.");
        }
        for (PlanGates pg : PlanGates.of(plan)) {
            Gate g = pg.gate();
            if (!GateText.hasSource(g)) {
                r.add("MISSING: gate " + Md.c(g.name()) + " reads signal " + Md.c(g.signal().name())
                        + " with no described source (Signal.source() defaults to its name): say where the value"
                        + " comes from, or the runbook cannot be checked by hand.");
            }
            if (g.isRelative() && !baselinesMeasured) {
                r.add("ASSUMPTION: gate " + Md.c(g.name()) + " is relative to a baseline (" + Text.words(
                        g.baselineStatistic()) + ") that is measured only in the run's pre-flight window; its"
                        + " absolute thresholds are unknown until then (render again with the run's report).");
            } else if (g.isRelative() && !baselines.containsKey(g.name())) {
                r.add("MISSING: gate " + Md.c(g.name()) + " is relative but the report has no baseline for it.");
            }
            if (!g.hasRed()) {
                r.add("RISK: gate " + Md.c(g.name()) + " has no red level: it can throttle but never stop the run.");
            }
            if (!g.hasYellow()) {
                r.add("RISK: gate " + Md.c(g.name()) + " has no yellow level: no gradual throttle before red.");
            }
        }
        if (plan.invariants().isEmpty()) {
            r.add("MISSING: no invariant — correctness is not checked while the run moves (add a checksum sample).");
        }
        if (plan.rollbackAction() == null && plan.rollback() != RollbackComplexity.IMPOSSIBLE) {
            r.add("MISSING: no rollback hook — an abort stops the run but nothing undoes it automatically"
                    + (plan.rollbackSteps().isBlank() ? "; no rollback steps are written either" : "") + ".");
        }
        if (plan.stopsAndStabilizesOnRed()) {
            r.add("RISK: rollback is impossible — red stops and stabilizes; a human must be reachable for the whole"
                    + " run.");
        }
        if (plan.owner().isBlank() && plan.escalation().isBlank()) {
            r.add("MISSING: no owner and no escalation — critical alerts page nobody.");
        } else if (plan.escalation().isBlank()) {
            r.add("ASSUMPTION: no escalation named — critical alerts page the owner, " + plan.owner() + ".");
        }
        if (plan.maintenanceWindow() == null) {
            r.add("MISSING: no maintenance window — no ETA alert.");
        }
        if (plan.totalRows() == 0 && plan.progressFunction() == null) {
            r.add("MISSING: no total rows and no key range — no progress fraction and no ETA.");
        } else if (plan.totalIsEstimate()) {
            r.add("ASSUMPTION: the total is an estimate from statistics — progress and ETA are approximate and"
                    + " progress stays below 100% until the source is exhausted.");
        }
        if (plan.replicaLag() == null) {
            r.add("MISSING: no replica lag signal — `" + Prom.LAG + "` is empty and the lag panel is omitted.");
        }
        boolean errorGate = plan.allGates().stream().anyMatch(g -> g.signal() == Signals.batchErrorRate());
        if (plan.errorBudget() > 0 && !errorGate) {
            r.add("RISK: an error budget of " + Text.percent(plan.errorBudget()) + " is stated but no gate watches"
                    + " `batch.error.rate`: only the alert enforces it.");
        }
        if (plan.blastRadius() == BlastRadius.HIGH && plan.phases().size() < 2) {
            r.add("RISK: high blast radius with a single phase — no canary before the full run.");
        }
        if (plan.blastRadius() == BlastRadius.HIGH && plan.phases().stream().noneMatch(Phase::requiresApproval)) {
            r.add("RISK: high blast radius and no phase requires approval — promotion is fully automatic.");
        }
        r.add("ASSUMPTION: Prometheus scrapes and evaluates rules at least as often as the shortest gate sample"
                + " interval; the alerts' `for:` equals each gate's hold window.");
        return r;
    }
}
