package io.migobs.artifacts.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The dashboard: a list of panels grouped in rows, rendered as a Markdown spec and as an importable Grafana
 * dashboard (JSON via Jackson). Every query is templated by the {@code $migration} variable. Not API.
 */
public final class Dashboard {
    /** The Grafana dashboard schema version written. */
    public static final int SCHEMA_VERSION = 39;
    /** The template variable holding the migration's name. */
    public static final String VAR = "$migration";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** One query of a panel. */
    public record Target(String expr, String legend) {
    }

    /** One threshold step: the colour from this value up (value null for the base). */
    public record Step(String color, Double value) {
    }

    /** One panel. */
    public record Panel(String title, String question, String type, String unit, List<Target> targets,
            List<Step> steps, String thresholdText, int width, int height, Map<Integer, String> mappings,
            boolean thresholdSeries) {
    }

    /** A row of panels. */
    public record Row(String title, List<Panel> panels) {
    }

    private final MigrationPlan plan;
    private final Map<String, Double> baselines;
    private final List<Row> rows = new ArrayList<>();

    public Dashboard(MigrationPlan plan, Map<String, Double> baselines) {
        this.plan = plan;
        this.baselines = baselines;
        build();
    }

    public List<Row> rows() {
        return rows;
    }

    /** Every PromQL expression of the dashboard, with {@code $migration} still in place. */
    public List<String> queries() {
        List<String> all = new ArrayList<>();
        for (Row r : rows) {
            for (Panel p : r.panels()) {
                for (Target t : p.targets()) {
                    all.add(t.expr());
                }
            }
        }
        return all;
    }

    private static String sel(String metric, String... labels) {
        return Prom.sel(metric, VAR, labels);
    }

    private static List<Step> steps(Object... colorValue) {
        List<Step> s = new ArrayList<>();
        for (int i = 0; i < colorValue.length; i += 2) {
            s.add(new Step((String) colorValue[i], (Double) colorValue[i + 1]));
        }
        return s;
    }

    private static Panel panel(String title, String question, String type, String unit, List<Target> targets,
            List<Step> steps, String thresholdText, int w, int h) {
        return new Panel(title, question, type, unit, targets, steps, thresholdText, w, h, Map.of(), false);
    }

    private void build() {
        List<Panel> progress = new ArrayList<>();
        progress.add(panel("Progress", "How much of the migration is done? (" + plan.progressDescription() + ")",
                "stat", "percentunit", List.of(new Target(sel(Prom.PROGRESS), "progress")), List.of(), "none", 6, 4));
        Map<Integer, String> states = new LinkedHashMap<>();
        String[] names = {"PREFLIGHT", "RUNNING", "THROTTLED", "PAUSED", "AWAITING_APPROVAL", "STABILIZING",
                "COMPLETED", "ABORTED", "STOPPED"};
        for (int i = 0; i < names.length; i++) {
            states.put(i, names[i]);
        }
        progress.add(new Panel("Run state", "Is it running, throttled, paused, waiting for approval, or ended?",
                "stat", "none", List.of(new Target(sel(Prom.RUN_STATE), "state")),
                steps("blue", null, "green", 1.0, "yellow", 2.0, "orange", 3.0, "red", 5.0, "green", 6.0, "red", 7.0,
                        "blue", 8.0),
                "colours by state: green running/completed, yellow throttled, orange paused/awaiting approval, red"
                        + " stabilizing/aborted", 6, 4, states, false));
        progress.add(panel("Current phase", "Which phase of the rollout is running ("
                + String.join(" → ", plan.phases().stream().map(p -> p.name()).toList()) + ")?", "stat", "none",
                List.of(new Target(sel(Prom.PHASE_ACTIVE) + " == 1", "{{phase}}")), List.of(), "none", 6, 4));
        Double window = plan.maintenanceWindow() == null ? null : plan.maintenanceWindow().toMillis() / 1000.0;
        List<Step> etaSteps = window == null ? List.of() : steps("green", null, "red", window);
        String etaText = window == null ? "none (the plan has no maintenance window)"
                : "red above the maintenance window, " + Text.duration(plan.maintenanceWindow());
        progress.add(panel("ETA (effective)", "When will it finish, counting the time spent throttled and paused?",
                "stat", "s", List.of(new Target(sel(Prom.ETA, "basis", "effective"), "effective")), etaSteps, etaText,
                6, 4));
        progress.add(panel("Rows processed by phase", "Are we moving, and how many rows has each phase done"
                + (plan.totalRows() > 0 ? " (of " + Text.count(plan.totalRows())
                + (plan.totalIsEstimate() ? ", estimated" : "") + ")" : "") + "?", "timeseries", "short",
                List.of(new Target("sum by (phase) (" + sel(Prom.ROWS) + ")", "{{phase}}"),
                        new Target("sum(" + sel(Prom.ROWS) + ")", "total")),
                plan.totalRows() > 0 ? steps("transparent", null, "blue", (double) plan.totalRows()) : List.of(),
                plan.totalRows() > 0 ? "line at the total, " + Text.count(plan.totalRows()) + " rows" : "none", 12, 8));
        Double cap = plan.maxRowsPerSecond() > 0 ? plan.maxRowsPerSecond() : null;
        progress.add(panel("Throughput and rate cap", "How fast is it going, recently and overall, against the"
                + " current cap?", "timeseries", "suffix: rows/s",
                List.of(new Target(sel(Prom.THROUGHPUT), "{{window}}"), new Target(sel(Prom.RATE_LIMIT), "rate cap")),
                cap == null ? List.of() : steps("transparent", null, "orange", cap),
                cap == null ? "none (no maxRowsPerSecond)" : "line at maxRowsPerSecond, " + Text.num(cap) + " rows/s",
                12, 8));
        progress.add(panel("ETA", "Will it finish inside the window, at the effective rate (honest) and at the"
                + " active rate (if it never throttled again)?", "timeseries", "s",
                List.of(new Target(sel(Prom.ETA), "{{basis}}")), etaSteps, etaText.replace("red above", "line at"),
                12, 8));
        if (plan.replicaLag() != null) {
            Gate lagGate = plan.allGates().stream().filter(g -> g.signal() == plan.replicaLag() && !g.isRelative())
                    .findFirst().orElse(null);
            progress.add(panel("Replica lag", "How far behind are the replicas? (source: "
                    + plan.replicaLag().source() + ")", "timeseries", "s",
                    List.of(new Target(sel(Prom.LAG, "kind", "replica"), "replica lag")),
                    lagGate == null ? List.of() : gateSteps(lagGate),
                    lagGate == null ? "none (no absolute gate on this signal)"
                            : "lines of gate " + lagGate.name() + ": " + GateText.compact(lagGate, baselines), 12, 8));
        }
        if (plan.sourceHead() != null) {
            progress.add(panel("Backlog", "How far does the cursor trail the source's newest key?", "timeseries",
                    "short", List.of(new Target(sel(Prom.BACKLOG), "backlog (keys)")), List.of(), "none", 12, 8));
        }
        rows.add(new Row("Progress", progress));

        List<Panel> safety = new ArrayList<>();
        if (!plan.allGates().isEmpty()) {
            Map<Integer, String> gs = Map.of(0, "GREEN", 1, "YELLOW", 2, "RED", 3, "UNKNOWN");
            safety.add(new Panel("Gate states", "Which gates are green, yellow, red or unknown right now, and when"
                    + " did they change?", "state-timeline", "none",
                    List.of(new Target(sel(Prom.GATE_STATE), "{{gate}}")),
                    steps("green", null, "yellow", 1.0, "red", 2.0, "purple", 3.0),
                    "0 green, 1 yellow, 2 red, 3 unknown (purple)", 24, Math.min(4 + plan.allGates().size(), 12),
                    new LinkedHashMap<>(new java.util.TreeMap<>(gs)), false));
            for (PlanGates pg : PlanGates.of(plan)) {
                Gate g = pg.gate();
                String question = Text.orElse(g.description(), "Is " + g.signal().name() + " within its limits?")
                        + " (source: " + g.signal().source() + (pg.phase() == null ? "" : "; phase " + pg.phase()
                        + " only") + ")";
                List<Target> targets = List.of(
                        new Target(sel(Prom.GATE_VALUE, "gate", g.name()), g.signal().name()),
                        new Target(sel(Prom.GATE_THRESHOLD, "gate", g.name()), "{{level}} threshold"));
                String text = GateText.compact(g, baselines) + ", held " + Text.duration(g.holdWindow())
                        + (g.isRelative() ? " (relative: drawn from the threshold series)" : "");
                safety.add(new Panel("Gate " + g.name() + ": " + g.signal().name() + " (" + g.signal().unit() + ")",
                        question, "timeseries", grafanaUnit(g.signal().unit()), targets,
                        g.isRelative() ? List.of() : gateSteps(g), text, 12, 8, Map.of(), true));
            }
        }
        rows.add(new Row("Safety gates", safety));

        List<Panel> control = new ArrayList<>();
        control.add(panel("Batch size", "What batch size is the controller handing out, between its bounds?",
                "timeseries", "short", List.of(new Target(sel(Prom.BATCH_SIZE), "batch size")),
                steps("transparent", null, "blue", (double) plan.minBatchSize(), "orange",
                        (double) plan.maxBatchSize()),
                "lines at min " + plan.minBatchSize() + " and max " + plan.maxBatchSize() + " rows", 12, 8));
        String bucket = "sum by (le) (rate(" + sel(Prom.BATCH_DURATION_BUCKET) + "[1m]))";
        control.add(panel("Batch duration p50 / p99", "How long do batches take, against the target the controller"
                + " aims for?", "timeseries", "s",
                List.of(new Target("histogram_quantile(0.5, " + bucket + ")", "p50"),
                        new Target("histogram_quantile(0.99, " + bucket + ")", "p99")),
                steps("transparent", null, "blue", plan.targetBatchTime().toMillis() / 1000.0),
                "line at the target batch time, " + Text.duration(plan.targetBatchTime()), 12, 8));
        String r = "[5m]";
        Double budget = plan.errorBudget() > 0 ? plan.errorBudget() : null;
        control.add(panel("Failed batches", "What share of batches fail (over 5 minutes), against the error budget?",
                "timeseries", "percentunit",
                List.of(new Target("sum(rate(" + sel(Prom.BATCHES, "outcome", "failure") + r + ")) / sum(rate("
                        + sel(Prom.BATCHES) + r + "))", "failed share")),
                budget == null ? List.of() : steps("green", null, "red", budget),
                budget == null ? "none (no error budget)" : "red above the error budget, " + Text.percent(budget),
                12, 8));
        control.add(panel("Time throttled and paused", "What share of the last 5 minutes was spent throttled or"
                + " paused (incl. awaiting approval and stabilizing)?", "timeseries", "percentunit",
                List.of(new Target("rate(" + sel(Prom.THROTTLED) + r + ")", "throttled"),
                        new Target("rate(" + sel(Prom.PAUSED) + r + ")", "paused")),
                steps("green", null, "yellow", 0.5), "yellow above 50% of the time", 12, 8));
        control.add(panel("Retries by kind", "How many batch attempts were retried over the last 5 minutes after"
                + " transient failures (lock timeouts, deadlocks, dropped connections), by kind? (counted by"
                + " migobs-jdbc; empty for other drivers)", "timeseries", "short",
                List.of(new Target("sum by (kind) (increase(" + sel(Prom.JDBC_RETRIES) + r + "))", "{{kind}}")),
                List.of(), "none: each retry is within the batch's attempts; the failed-batch share above is what"
                        + " the error budget counts", 12, 8));
        rows.add(new Row("Batches and control", control));

        if (!plan.invariants().isEmpty()) {
            List<Panel> correctness = new ArrayList<>();
            correctness.add(panel("Invariant failures", "Has any correctness check failed?", "stat", "none",
                    List.of(new Target("sum(" + sel(Prom.INVARIANT_CHECKS, "outcome", "fail") + ")", "failures")),
                    steps("green", null, "red", 1.0), "red at 1 failure", 6, 8));
            correctness.add(panel("Invariant checks", "Are the invariants running at their cadence, and passing?",
                    "timeseries", "short", List.of(new Target("sum by (invariant, outcome) ("
                            + sel(Prom.INVARIANT_CHECKS) + ")", "{{invariant}} {{outcome}}")),
                    List.of(), "none", 9, 8));
            correctness.add(panel("Rows sampled by invariants", "How many rows have the checks examined?",
                    "timeseries", "short", List.of(new Target("sum by (invariant) (" + sel(Prom.INVARIANT_ROWS) + ")",
                            "{{invariant}}")), List.of(), "none", 9, 8));
            rows.add(new Row("Correctness", correctness));
        }
    }

    private static List<Step> gateSteps(Gate g) {
        List<Step> s = new ArrayList<>();
        if (GateText.above(g)) {
            s.add(new Step("green", null));
            if (g.hasYellow()) {
                s.add(new Step("yellow", g.yellowThreshold()));
            }
            if (g.hasRed()) {
                s.add(new Step("red", g.redThreshold()));
            }
        } else {
            s.add(new Step(g.hasRed() ? "red" : "yellow", null));
            if (g.hasRed() && g.hasYellow()) {
                s.add(new Step("yellow", g.redThreshold()));
            }
            s.add(new Step("green", g.hasYellow() ? g.yellowThreshold() : g.redThreshold()));
        }
        return s;
    }

    private static String grafanaUnit(String unit) {
        return switch (unit) {
            case "seconds" -> "s";
            case "ratio" -> "percentunit";
            case "rows" -> "short";
            default -> "suffix: " + unit;
        };
    }

    // ----------------------------------------------------------------------------------------------- Markdown

    public String markdown(String jsonFile) {
        Md md = new Md();
        md.h1("Dashboard: " + plan.name());
        md.quote("Generated by migobs from the same `MigrationPlan` the run enforces. Import " + Md.c(jsonFile)
                + " into Grafana (Dashboards → New → Import); pick the Prometheus data source. Every query is"
                + " filtered by the `migration` variable (default " + Md.c(plan.name()) + ").");
        md.para("Metric names are the ones migobs-core exports through Micrometer's Prometheus registry"
                + " (`migobs_*`); every query below is checked with `promtool` in the migobs build.");
        for (Row row : rows) {
            md.h2(row.title());
            if (row.panels().isEmpty()) {
                md.para("_No panel: the plan declares no gate._");
            }
            for (Panel p : row.panels()) {
                md.h3(p.title());
                md.bullet(Md.b("Question:") + " " + p.question());
                md.bullet(Md.b("Thresholds drawn:") + " " + p.thresholdText());
                md.bullet(Md.b("Visualization:") + " " + p.type() + ", unit " + Md.c(p.unit()));
                md.endList();
                StringBuilder q = new StringBuilder();
                for (Target t : p.targets()) {
                    q.append("# ").append(t.legend()).append('\n').append(t.expr()).append('\n');
                }
                md.code("promql", q.toString());
            }
        }
        return md.toString();
    }

    // -------------------------------------------------------------------------------------------------- JSON

    public String json() {
        ObjectNode root = F.objectNode();
        root.putNull("id");
        root.put("uid", uid(plan.name()));
        root.put("title", "Migration " + plan.name());
        root.put("description", "Generated by migobs from the MigrationPlan '" + plan.name() + "'.");
        root.putArray("tags").add("migobs").add("migration");
        root.put("timezone", "utc");
        root.put("editable", true);
        root.put("graphTooltip", 1);
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("version", 1);
        root.put("refresh", "10s");
        ObjectNode time = root.putObject("time");
        time.put("from", "now-6h");
        time.put("to", "now");
        ObjectNode annotations = root.putObject("annotations");
        ObjectNode builtIn = annotations.putArray("list").addObject();
        builtIn.put("builtIn", 1);
        builtIn.putObject("datasource").put("type", "grafana").put("uid", "-- Grafana --");
        builtIn.put("enable", true);
        builtIn.put("hide", true);
        builtIn.put("iconColor", "rgba(0, 211, 255, 1)");
        builtIn.put("name", "Annotations & Alerts");
        builtIn.put("type", "dashboard");
        ArrayNode vars = root.putObject("templating").putArray("list");
        ObjectNode ds = vars.addObject();
        ds.put("name", "datasource");
        ds.put("label", "Data source");
        ds.put("type", "datasource");
        ds.put("query", "prometheus");
        ds.put("refresh", 1);
        ds.put("hide", 0);
        ObjectNode mig = vars.addObject();
        mig.put("name", "migration");
        mig.put("label", "Migration");
        mig.put("type", "query");
        mig.set("datasource", datasource());
        String q = "label_values(" + Prom.RUN_STATE + ", migration)";
        mig.put("definition", q);
        mig.putObject("query").put("query", q).put("refId", "MigrationVariable");
        mig.put("refresh", 2);
        mig.put("sort", 1);
        mig.put("hide", 0);
        mig.put("includeAll", false);
        mig.put("multi", false);
        mig.putObject("current").put("selected", true).put("text", plan.name()).put("value", plan.name());
        ArrayNode panels = root.putArray("panels");
        int id = 1;
        int y = 0;
        for (Row row : rows) {
            ObjectNode rp = panels.addObject();
            rp.put("id", id++);
            rp.put("type", "row");
            rp.put("title", row.title());
            rp.put("collapsed", false);
            rp.set("gridPos", grid(0, y, 24, 1));
            rp.putArray("panels");
            y += 1;
            int x = 0;
            int lineHeight = 0;
            for (Panel p : row.panels()) {
                if (x + p.width() > 24) {
                    x = 0;
                    y += lineHeight;
                    lineHeight = 0;
                }
                panels.add(panelJson(p, id++, x, y));
                x += p.width();
                lineHeight = Math.max(lineHeight, p.height());
            }
            y += lineHeight;
        }
        return Yaml.json(root);
    }

    private ObjectNode panelJson(Panel p, int id, int x, int y) {
        ObjectNode n = F.objectNode();
        n.put("id", id);
        n.put("type", p.type());
        n.put("title", p.title());
        n.put("description", p.question() + " Thresholds: " + p.thresholdText() + ".");
        n.set("datasource", datasource());
        n.set("gridPos", grid(x, y, p.width(), p.height()));
        ArrayNode targets = n.putArray("targets");
        char ref = 'A';
        for (Target t : p.targets()) {
            ObjectNode tn = targets.addObject();
            tn.put("refId", String.valueOf(ref++));
            tn.set("datasource", datasource());
            tn.put("expr", t.expr());
            tn.put("legendFormat", t.legend());
            tn.put("range", true);
            tn.put("instant", false);
        }
        ObjectNode fc = n.putObject("fieldConfig");
        ObjectNode defaults = fc.putObject("defaults");
        defaults.put("unit", p.unit());
        ObjectNode th = defaults.putObject("thresholds");
        th.put("mode", "absolute");
        ArrayNode steps = th.putArray("steps");
        List<Step> ss = p.steps().isEmpty() ? List.of(new Step("green", null)) : p.steps();
        for (Step s : ss) {
            ObjectNode sn = steps.addObject();
            sn.put("color", s.color());
            if (s.value() == null) {
                sn.putNull("value");
            } else {
                sn.put("value", s.value());
            }
        }
        ArrayNode mappings = defaults.putArray("mappings");
        if (!p.mappings().isEmpty()) {
            ObjectNode mapping = mappings.addObject();
            mapping.put("type", "value");
            ObjectNode options = mapping.putObject("options");
            int i = 0;
            for (Map.Entry<Integer, String> e : p.mappings().entrySet()) {
                options.putObject(String.valueOf(e.getKey())).put("text", e.getValue()).put("index", i++);
            }
        }
        ArrayNode overrides = fc.putArray("overrides");
        if (p.type().equals("timeseries")) {
            ObjectNode custom = defaults.putObject("custom");
            custom.put("drawStyle", "line");
            custom.put("lineWidth", 1);
            custom.put("fillOpacity", 10);
            custom.put("showPoints", "never");
            custom.putObject("thresholdsStyle").put("mode", p.steps().isEmpty() ? "off" : "line");
            if (p.thresholdSeries()) {
                overrides.add(thresholdOverride("yellow threshold", "yellow"));
                overrides.add(thresholdOverride("red threshold", "red"));
            }
            ObjectNode options = n.putObject("options");
            options.putObject("legend").put("displayMode", "list").put("placement", "bottom").put("showLegend", true);
            options.putObject("tooltip").put("mode", "multi").put("sort", "none");
        } else if (p.type().equals("stat")) {
            ObjectNode options = n.putObject("options");
            ObjectNode reduce = options.putObject("reduceOptions");
            reduce.putArray("calcs").add("lastNotNull");
            reduce.put("fields", "");
            reduce.put("values", false);
            options.put("colorMode", "value");
            options.put("graphMode", "none");
            options.put("textMode", p.title().equals("Current phase") ? "name" : "auto");
            options.put("justifyMode", "auto");
            options.put("orientation", "auto");
        } else if (p.type().equals("state-timeline")) {
            ObjectNode options = n.putObject("options");
            options.put("mergeValues", true);
            options.put("showValue", "auto");
            options.put("alignValue", "left");
            options.put("rowHeight", 0.9);
            options.putObject("legend").put("displayMode", "list").put("placement", "bottom").put("showLegend", true);
            defaults.putObject("color").put("mode", "thresholds");
        }
        return n;
    }

    private static ObjectNode thresholdOverride(String name, String color) {
        ObjectNode o = F.objectNode();
        o.putObject("matcher").put("id", "byName").put("options", name);
        ArrayNode props = o.putArray("properties");
        props.addObject().put("id", "color").putObject("value").put("mode", "fixed").put("fixedColor", color);
        props.addObject().put("id", "custom.lineStyle").putObject("value").put("fill", "dash").putArray("dash")
                .add(10).add(10);
        props.addObject().put("id", "custom.fillOpacity").put("value", 0);
        return o;
    }

    private static ObjectNode datasource() {
        ObjectNode d = F.objectNode();
        d.put("type", "prometheus");
        d.put("uid", "${datasource}");
        return d;
    }

    private static ObjectNode grid(int x, int y, int w, int h) {
        ObjectNode g = F.objectNode();
        g.put("h", h);
        g.put("w", w);
        g.put("x", x);
        g.put("y", y);
        return g;
    }

    /** Grafana uids are at most 40 characters: long names keep a prefix and a checksum. */
    static String uid(String name) {
        String uid = "migobs-" + name;
        if (uid.length() <= 40) {
            return uid;
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return uid.substring(0, 31) + "-" + String.format("%08x", crc.getValue());
    }
}
