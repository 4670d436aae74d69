package io.migobs.artifacts.internal;

import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.Phase;
import io.migobs.artifacts.SignalRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a plan as YAML (through Jackson) in the shape {@link PlanReader} reads. Code-bound parts are written by
 * name: signals by their own name; the rollback hook, invariant checks, progress functions and source heads by the
 * name they are registered under. Not API.
 */
public final class PlanWriter {

    private PlanWriter() {
    }

    public static String write(MigrationPlan plan, SignalRegistry registry) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", plan.name());
        if (!plan.summary().isEmpty()) {
            m.put("summary", plan.summary());
        }
        m.put("type", Text.kebab(plan.type()));
        m.put("blastRadius", Text.kebab(plan.blastRadius()));
        m.put("rollback", Text.kebab(plan.rollback()));
        if (!plan.owner().isEmpty()) {
            m.put("owner", plan.owner());
        }
        if (!plan.escalation().isEmpty()) {
            m.put("escalation", plan.escalation());
        }
        if (plan.totalRows() > 0) {
            m.put(plan.totalIsEstimate() ? "estimatedRows" : "totalRows", plan.totalRows());
        }
        if (plan.progressFunction() != null) {
            if (plan.keyRange().isPresent()) {
                Map<String, Object> kr = new LinkedHashMap<>();
                kr.put("min", plan.keyRange().get().min());
                kr.put("max", plan.keyRange().get().max());
                m.put("keyRange", kr);
            } else {
                Map<String, Object> pc = new LinkedHashMap<>();
                pc.put("function", nameOf(registry.progressFunctions(), plan.progressFunction(), "progress function",
                        "progress(name, function)"));
                pc.put("description", plan.progressDescription());
                m.put("progressFromCursor", pc);
            }
        }
        if (plan.sourceHead() != null) {
            m.put("sourceHead", nameOf(registry.sourceHeads(), plan.sourceHead(), "source head",
                    "sourceHead(name, supplier)"));
        }
        if (plan.replicaLag() != null) {
            m.put("replicaLag", plan.replicaLag().name());
        }
        Map<String, Object> bs = new LinkedHashMap<>();
        bs.put("initial", plan.initialBatchSize());
        bs.put("min", plan.minBatchSize());
        bs.put("max", plan.maxBatchSize());
        m.put("batchSize", bs);
        m.put("targetBatchTime", duration(plan.targetBatchTime()));
        if (plan.maxRowsPerSecond() > 0) {
            m.put("maxRowsPerSecond", number(plan.maxRowsPerSecond()));
        }
        if (!plan.baselineWindow().equals(MigrationPlan.DEFAULT_BASELINE_WINDOW)) {
            m.put("baselineWindow", duration(plan.baselineWindow()));
        }
        if (plan.maintenanceWindow() != null) {
            m.put("maintenanceWindow", duration(plan.maintenanceWindow()));
        }
        if (plan.errorBudget() > 0) {
            m.put("errorBudget", plan.errorBudget());
        }
        if (plan.maxConsecutiveFailures() != MigrationPlan.DEFAULT_MAX_CONSECUTIVE_FAILURES) {
            m.put("maxConsecutiveFailures", plan.maxConsecutiveFailures());
        }
        if (!plan.progressLogInterval().equals(MigrationPlan.DEFAULT_PROGRESS_LOG_INTERVAL)) {
            m.put("progressLogInterval", duration(plan.progressLogInterval()));
        }
        if (!plan.gates().isEmpty()) {
            m.put("gates", gates(plan.gates()));
        }
        List<Map<String, Object>> phases = new ArrayList<>();
        for (Phase p : plan.phases()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            if (p.rows() > 0) {
                pm.put("rows", p.rows());
            }
            if (p.untilFraction() > 0) {
                pm.put("untilFraction", p.untilFraction());
            }
            if (p.maxBatchSize() > 0) {
                pm.put("maxBatchSize", p.maxBatchSize());
            }
            if (p.maxRowsPerSecond() > 0) {
                pm.put("maxRowsPerSecond", number(p.maxRowsPerSecond()));
            }
            if (p.requiresApproval()) {
                pm.put("requireApproval", true);
            }
            if (p.greenSamplesToPromote() != Phase.DEFAULT_GREEN_SAMPLES_TO_PROMOTE) {
                pm.put("greenSamplesToPromote", p.greenSamplesToPromote());
            }
            if (!p.gates().isEmpty()) {
                pm.put("gates", gates(p.gates()));
            }
            phases.add(pm);
        }
        m.put("phases", phases);
        if (!plan.invariants().isEmpty()) {
            List<Map<String, Object>> invs = new ArrayList<>();
            for (MigrationPlan.InvariantSpec s : plan.invariants()) {
                Map<String, Object> im = new LinkedHashMap<>();
                im.put("name", s.name());
                if (s.cadence().rows() > 0) {
                    im.put("everyRows", s.cadence().rows());
                } else if (s.cadence().batches() > 0) {
                    im.put("everyBatches", s.cadence().batches());
                } else {
                    im.put("atPhaseEnds", true);
                }
                String check = nameOf(registry.invariants(), s.check(), "check of invariant '" + s.name() + "'",
                        "invariant(name, check)");
                if (!check.equals(s.name())) {
                    im.put("check", check);
                }
                if (!s.description().isEmpty()) {
                    im.put("description", s.description());
                }
                invs.add(im);
            }
            m.put("invariants", invs);
        }
        if (plan.rollbackAction() != null) {
            Map<String, Object> rb = new LinkedHashMap<>();
            rb.put("hook", nameOf(registry.rollbacks(), plan.rollbackAction(), "rollback hook",
                    "rollback(name, action)"));
            if (!plan.rollbackSteps().isEmpty()) {
                rb.put("steps", plan.rollbackSteps());
            }
            m.put("onRollback", rb);
        }
        if (!plan.notes().isEmpty()) {
            m.put("notes", new LinkedHashMap<>(plan.notes()));
        }
        return "# migobs plan: load with PlanYaml.load(path, registry); signals, checks and hooks are bound by name.\n"
                + Yaml.yaml(m);
    }

    private static List<Map<String, Object>> gates(List<Gate> gates) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Gate g : gates) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g.name());
            gm.put("signal", g.signal().name());
            String dir = g.direction() == Gate.Direction.ABOVE ? "Above" : "Below";
            if (g.hasYellow()) {
                gm.put("yellow" + dir, number(g.yellowThreshold()));
            }
            if (g.hasRed()) {
                gm.put("red" + dir, number(g.redThreshold()));
            }
            if (g.hasTarget()) {
                gm.put("target", number(g.targetValue()));
            }
            if (g.isRelative()) {
                gm.put("relativeToBaseline", Text.kebab(g.baselineStatistic()));
            }
            gm.put("holdSamples", g.holdSamples());
            gm.put("sampleInterval", duration(g.sampleInterval()));
            if (g.recoverSamples() != Gate.DEFAULT_RECOVER_SAMPLES) {
                gm.put("recoverSamples", g.recoverSamples());
            }
            if (!g.readTimeout().equals(Gate.DEFAULT_READ_TIMEOUT)) {
                gm.put("readTimeout", duration(g.readTimeout()));
            }
            if (g.maxAge() != null) {
                gm.put("maxAge", duration(g.maxAge()));
            }
            if (g.unknownPolicy() != Gate.UnknownPolicy.TREAT_AS_YELLOW) {
                gm.put("whenUnknown", Text.kebab(g.unknownPolicy()));
            }
            if (g.yellowAction() != Gate.YellowAction.THROTTLE) {
                gm.put("onYellow", Text.kebab(g.yellowAction()));
            }
            if (g.allowsNegative()) {
                gm.put("allowNegative", true);
            }
            if (!g.description().isEmpty()) {
                gm.put("description", g.description());
            }
            out.add(gm);
        }
        return out;
    }

    private static Object number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    /** "500ms", "30s", "1h30m": the form {@link PlanReader#duration} reads. */
    static String duration(Duration d) {
        return Prom.duration(d);
    }

    private static <T> String nameOf(Map<String, T> map, Object value, String what, String how) {
        for (Map.Entry<String, T> e : map.entrySet()) {
            if (e.getValue() == value) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException(what + " is not in the SignalRegistry, so the YAML cannot name it:"
                + " register it with " + how);
    }

}
