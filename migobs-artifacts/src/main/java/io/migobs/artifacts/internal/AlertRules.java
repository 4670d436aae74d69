package io.migobs.artifacts.internal;

import io.migobs.BlastRadius;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus alerting rules derived from a plan: yellow gates warn, red gates page, plus unknown gates, a stalled
 * run, an ETA beyond the maintenance window, error-budget burn, failed invariants, aborted and stabilizing runs.
 * Renders the rule file (via Jackson), its Markdown spec and a {@code promtool test rules} file. Not API.
 */
public final class AlertRules {
    public static final String GATE_YELLOW = "MigobsGateYellow";
    public static final String GATE_RED = "MigobsGateRed";
    public static final String GATE_UNKNOWN = "MigobsGateUnknown";
    public static final String STALLED = "MigobsStalled";
    public static final String ETA = "MigobsEtaBeyondWindow";
    public static final String ERROR_BUDGET = "MigobsErrorBudgetBurn";
    public static final String INVARIANT = "MigobsInvariantFailed";
    public static final String ABORTED = "MigobsRunAborted";
    public static final String STABILIZING = "MigobsRunStabilizing";
    public static final String APPROVAL = "MigobsAwaitingApproval";

    /** How long the ETA must exceed what is left of the window before the alert fires (at most). */
    static final Duration ETA_FOR = Duration.ofMinutes(5);
    /** How long a stall must last beyond the stall window before the alert fires. */
    static final Duration STALL_FOR = Duration.ofMinutes(1);
    /** Range of the error-rate computation and how long it must exceed the budget. */
    static final Duration ERROR_WINDOW = Duration.ofMinutes(5);

    /**
     * One alerting rule.
     *
     * @param alert the alert name
     * @param expr the PromQL expression
     * @param holdFor the {@code for:} duration (zero for none)
     * @param severity critical, warning or info
     * @param gate the gate it watches, or null
     * @param summary the summary annotation
     * @param description the description annotation (may contain {@code {{ $value }}})
     * @param firesWhen the condition in words, for the spec
     * @param action what the receiver does, for the spec
     */
    public record Rule(String alert, String expr, Duration holdFor, String severity, Gate gate, String summary,
            String description, String firesWhen, String action) {
    }

    private final MigrationPlan plan;
    private final Duration stallWindow;
    private final String runbookFile;
    private final List<Rule> rules = new ArrayList<>();

    public AlertRules(MigrationPlan plan, Duration stallWindow) {
        this.plan = plan;
        this.stallWindow = stallWindow;
        this.runbookFile = plan.name() + ".md";
        build();
    }

    public List<Rule> rules() {
        return rules;
    }

    public Duration stallWindow() {
        return stallWindow;
    }

    public Duration etaFor() {
        Duration w = plan.maintenanceWindow();
        if (w == null) {
            return ETA_FOR;
        }
        Duration tenth = w.dividedBy(10);
        return tenth.compareTo(ETA_FOR) < 0 ? tenth : ETA_FOR;
    }

    /** Who a critical alert pages: the escalation, else the owner, else nobody (a risk the summary names). */
    public String pages() {
        return Text.orElse(plan.escalation(), Text.orElse(plan.owner(), ""));
    }

    private String m() {
        return plan.name();
    }

    private void build() {
        String redVerb = plan.stopsAndStabilizesOnRed()
                ? "the run stops and stabilizes (no batch starts) and waits for a human"
                : "the run aborts" + (plan.rollbackAction() != null ? " and runs the rollback hook" : "");
        for (PlanGates pg : PlanGates.of(plan)) {
            Gate g = pg.gate();
            String where = pg.phase() == null ? "" : " during phase " + pg.phase();
            if (g.hasYellow()) {
                String t = GateText.threshold(g, g.yellowThreshold(), Map.of());
                rules.add(new Rule(GATE_YELLOW, gateExpr(pg, "yellow", g.yellowThreshold()), g.holdWindow(), "warning",
                        g, m() + ": gate " + g.name() + " is yellow" + where,
                        "Gate " + g.name() + " (" + g.signal().name() + ") reads {{ $value }} " + GateText.unit(g)
                                + ", " + (GateText.above(g) ? "above" : "below") + " its yellow threshold " + t
                                + " for " + Text.duration(g.holdWindow()) + ". migobs "
                                + (g.yellowAction() == Gate.YellowAction.PAUSE ? "pauses" : "throttles")
                                + " the run until it recovers. Runbook: " + runbookFile + ".",
                        Md.c(g.name()) + " " + GateText.bad(g) + " " + t + where,
                        GateText.yellowAction(g) + " is automatic; watch the panel, find the cause"));
            }
            if (g.hasRed()) {
                String t = GateText.threshold(g, g.redThreshold(), Map.of());
                rules.add(new Rule(GATE_RED, gateExpr(pg, "red", g.redThreshold()), g.holdWindow(), "critical", g,
                        m() + ": gate " + g.name() + " is red" + where,
                        "Gate " + g.name() + " (" + g.signal().name() + ") reads {{ $value }} " + GateText.unit(g)
                                + ", " + (GateText.above(g) ? "above" : "below") + " its red threshold " + t + " for "
                                + Text.duration(g.holdWindow()) + ". " + capitalize(redVerb) + ". Runbook: "
                                + runbookFile + ".",
                        Md.c(g.name()) + " " + GateText.bad(g) + " " + t + where,
                        capitalize(redVerb) + "; follow the runbook's "
                                + (plan.stopsAndStabilizesOnRed() ? "stop-and-stabilize" : "rollback") + " steps"));
            }
        }
        if (!plan.allGates().isEmpty()) {
            Duration hold = PlanGates.longestHold(plan);
            rules.add(new Rule(GATE_UNKNOWN, Prom.sel(Prom.GATE_STATE, m()) + " == 3", hold, "warning", null,
                    m() + ": gate {{ $labels.gate }} cannot read its signal",
                    "Gate {{ $labels.gate }} has been UNKNOWN for " + Text.duration(hold)
                            + ": its signal throws, times out, is stale or returns NaN. migobs treats it as yellow"
                            + " (or red where the gate says so), never as green. Runbook: " + runbookFile + ".",
                    "any gate UNKNOWN (signal unreadable)",
                    "fix the signal's source; the run is throttled or paused meanwhile"));
        }
        boolean high = plan.blastRadius() == BlastRadius.HIGH;
        String rows = "sum by (migration) (increase(" + Prom.sel(Prom.ROWS, m()) + "[" + Prom.duration(stallWindow)
                + "]))";
        String running = "(" + Prom.sel(Prom.RUN_STATE, m()) + " == 1 or " + Prom.sel(Prom.RUN_STATE, m()) + " == 2)";
        rules.add(new Rule(STALLED, rows + " == 0 and on(migration) " + running, STALL_FOR, high ? "critical" : "warning",
                null, m() + ": no rows processed for " + Text.duration(stallWindow) + " while running",
                "The run is RUNNING or THROTTLED but processed no row in the last " + Text.duration(stallWindow)
                        + ": a batch is stuck (lock wait, hung connection) or the workers died. Runbook: "
                        + runbookFile + ".",
                "no row for " + Text.duration(stallWindow) + " while the run state is running or throttled",
                "check the workers and the database for blocked queries; pause() if unsure"));
        if (plan.maintenanceWindow() != null) {
            Duration w = plan.maintenanceWindow();
            String elapsed = "(time() - " + Prom.sel(Prom.RUN_START, m()) + ")";
            String expr = Prom.sel(Prom.ETA, m(), "basis", "effective") + " > ignoring(basis) ("
                    + Prom.num(w.toMillis() / 1000.0) + " - " + elapsed + ") and on(migration) "
                    + Prom.sel(Prom.RUN_STATE, m()) + " < 6";
            rules.add(new Rule(ETA, expr, etaFor(), "warning", null,
                    m() + ": ETA beyond the " + Text.duration(w) + " maintenance window",
                    "At the effective rate (throttled and paused time included) the run needs {{ $value }} more"
                            + " seconds, more than is left of its " + Text.duration(w)
                            + " maintenance window. Runbook: " + runbookFile + ".",
                    "effective ETA > what is left of the " + Text.duration(w)
                            + " maintenance window (elapsed measured from " + Prom.RUN_START + ")",
                    "decide: raise the rate cap, stop at the next phase boundary, or extend the window"));
        }
        if (plan.errorBudget() > 0) {
            String r = "[" + Prom.duration(ERROR_WINDOW) + "]";
            String expr = "sum by (migration) (rate(" + Prom.sel(Prom.BATCHES, m(), "outcome", "failure") + r
                    + ")) / sum by (migration) (rate(" + Prom.sel(Prom.BATCHES, m()) + r + ")) > "
                    + Prom.num(plan.errorBudget());
            rules.add(new Rule(ERROR_BUDGET, expr, ERROR_WINDOW, "warning", null,
                    m() + ": failed batches above the " + Text.percent(plan.errorBudget()) + " error budget",
                    "{{ $value }} of batches failed over " + Text.duration(ERROR_WINDOW) + ", above the error budget "
                            + Text.num(plan.errorBudget()) + ". Runbook: " + runbookFile + ".",
                    "failed batches / batches over " + Text.duration(ERROR_WINDOW) + " > "
                            + Text.percent(plan.errorBudget()),
                    "read the batch errors in the logs; throttle or pause()"));
        }
        if (!plan.invariants().isEmpty()) {
            rules.add(new Rule(INVARIANT, "sum by (migration, invariant) (" + Prom.sel(Prom.INVARIANT_CHECKS, m(),
                    "outcome", "fail") + ") > 0", Duration.ZERO, "critical", null,
                    m() + ": invariant {{ $labels.invariant }} failed",
                    "Invariant {{ $labels.invariant }} failed {{ $value }} time(s): the migrated data is wrong. "
                            + capitalize(redVerb) + ". Runbook: " + runbookFile + ".",
                    "any invariant check failed", "stop, compare the mismatching rows, then follow the runbook"));
        }
        rules.add(new Rule(ABORTED, Prom.sel(Prom.RUN_STATE, m()) + " == 7", Duration.ZERO, "critical", null,
                m() + ": run aborted",
                "The run aborted (red gate, failed invariant, too many failed batches or a manual abort). "
                        + (plan.rollbackAction() != null ? "Verify the rollback hook succeeded. " : "")
                        + "Runbook: " + runbookFile + ".",
                "run state ABORTED", "verify the rollback, write the closeout"));
        if (plan.stopsAndStabilizesOnRed()) {
            rules.add(new Rule(STABILIZING, Prom.sel(Prom.RUN_STATE, m()) + " == 5", Duration.ZERO, "critical", null,
                    m() + ": run stopped to stabilize, a human must decide",
                    "A red gate fired and rollback is impossible: no batch starts until an operator calls resume()"
                            + " or abort(). Runbook: " + runbookFile + ".",
                    "run state STABILIZING", "stabilize production, then resume() or abort()"));
        }
        if (plan.phases().stream().anyMatch(Phase::requiresApproval)) {
            rules.add(new Rule(APPROVAL, Prom.sel(Prom.RUN_STATE, m()) + " == 4", Duration.ZERO, "info", null,
                    m() + ": phase done, waiting for approval",
                    "A phase that requires approval finished with its gates green. Review the dashboard and call"
                            + " approve() to continue. Runbook: " + runbookFile + ".",
                    "run state AWAITING_APPROVAL", "review the evidence, then approve()"));
        }
    }

    private String gateExpr(PlanGates pg, String level, double threshold) {
        Gate g = pg.gate();
        String value = Prom.sel(Prom.GATE_VALUE, m(), "gate", g.name());
        String expr;
        if (g.isRelative()) {
            expr = value + " " + GateText.bad(g) + " ignoring(level) "
                    + Prom.sel(Prom.GATE_THRESHOLD, m(), "gate", g.name(), "level", level);
        } else {
            expr = value + " " + GateText.bad(g) + " " + Prom.num(threshold);
        }
        if (pg.phase() != null) {
            expr += " and on(migration) " + Prom.sel(Prom.PHASE_ACTIVE, m(), "phase", pg.phase()) + " == 1";
        }
        return expr;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private Map<String, String> labels(Rule r) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("severity", r.severity());
        if (r.gate() != null) {
            labels.put("gate", r.gate().name());
        }
        if (!plan.owner().isBlank()) {
            labels.put("team", plan.owner());
        }
        return labels;
    }

    private Map<String, String> annotations(Rule r) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("summary", r.summary());
        a.put("description", r.description());
        a.put("runbook", runbookFile);
        return a;
    }

    /** The Prometheus rule file. */
    public String yaml() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Rule r : rules) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("alert", r.alert());
            rule.put("expr", r.expr());
            if (!r.holdFor().isZero()) {
                rule.put("for", Prom.duration(r.holdFor()));
            }
            rule.put("labels", labels(r));
            rule.put("annotations", annotations(r));
            list.add(rule);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", "migobs-" + plan.name());
        group.put("rules", list);
        return "# Generated by migobs from the plan '" + plan.name() + "'. Edit the plan, not this file.\n"
                + Yaml.yaml(Map.of("groups", List.of(group)));
    }

    /** The Markdown spec: what pages whom, what opens a ticket, escalation. */
    public String markdown(String rulesFile) {
        Md md = new Md();
        md.h1("Alerts: " + plan.name());
        md.quote("Generated by migobs from the same `MigrationPlan` the run enforces: the thresholds and hold windows"
                + " below are the gates' own. Edit the plan, not this file. Rules: " + Md.c(rulesFile) + ".");
        md.h2("Paging policy");
        String pages = pages();
        md.bullet(Md.b("critical") + " pages " + (pages.isBlank() ? "_nobody: the plan names no owner and no "
                + "escalation — set `owner(...)` and `escalation(...)`_" : Md.c(pages)) + " at any hour.");
        md.bullet(Md.b("warning") + " opens a ticket for " + (plan.owner().isBlank() ? "_the owner (not named in "
                + "the plan)_" : Md.c(plan.owner())) + " and posts to the migration channel; no page.");
        md.bullet(Md.b("info") + " notifies " + (plan.owner().isBlank() ? "the operator" : Md.c(plan.owner()))
                + "; no ticket.");
        md.endList();
        md.h2("Alerts");
        List<List<String>> rows = new ArrayList<>();
        for (Rule r : rules) {
            rows.add(List.of(Md.c(r.alert()), r.severity(), r.firesWhen(),
                    r.holdFor().isZero() ? "0s" : Prom.duration(r.holdFor()),
                    r.severity().equals("critical") ? "page " + Text.orElse(pages, "nobody")
                            : r.severity().equals("warning") ? "ticket " + Text.orElse(plan.owner(), "owner")
                            : "notify " + Text.orElse(plan.owner(), "operator"),
                    r.action()));
        }
        md.table(List.of("Alert", "Severity", "Fires when", "For", "Who", "Action"), rows);
        md.para("Gate alerts carry the labels `migration`, `gate` and `unit`; `for:` equals the gate's hold window"
                + " (hold samples × sample interval), so an alert fires when the gate itself trips. A yellow alert"
                + " also fires while the same gate is red: inhibit it in Alertmanager (below).");
        md.h2("Escalation");
        int n = 1;
        md.numbered(n++, "The critical alert pages " + Text.orElse(pages, "_nobody (not configured)_")
                + ". Acknowledge within 5 minutes; open the dashboard (" + Md.c(plan.name() + "-dashboard.json")
                + ") and the runbook (" + Md.c(plan.name() + ".md") + ").");
        md.numbered(n++, plan.stopsAndStabilizesOnRed()
                ? "Rollback is impossible: the run has stopped and stabilized itself. Do not resume until the"
                        + " red gate is green and the owner agrees."
                : "The run has aborted itself" + (plan.rollbackAction() != null ? " and run the rollback hook" : "")
                        + ". Verify the rollback with the runbook's steps.");
        md.numbered(n++, "If not acknowledged in 15 minutes, or the blast radius is spreading, escalate to "
                + Text.orElse(plan.owner(), "_the owner (not named)_") + " and the database on-call.");
        md.numbered(n, "Record every page and action in the closeout (" + Md.c(plan.name() + "-closeout.md") + ").");
        md.endList();
        md.h2("Alertmanager inhibition");
        md.para("A red gate also satisfies its yellow rule; this inhibition keeps one page per gate:");
        Map<String, Object> inhibit = new LinkedHashMap<>();
        inhibit.put("source_matchers", List.of("alertname=\"" + GATE_RED + "\""));
        inhibit.put("target_matchers", List.of("alertname=\"" + GATE_YELLOW + "\""));
        inhibit.put("equal", List.of("migration", "gate"));
        md.code("yaml", Yaml.yaml(Map.of("inhibit_rules", List.of(inhibit))));
        md.h2("Assumptions");
        md.bullet("Prometheus scrapes the application at least every " + Text.duration(shortestSample())
                + " (the shortest gate sample interval) and evaluates rules as often; a slower evaluation"
                + " interval delays every alert by up to one interval.");
        md.bullet("The stall window is " + Text.duration(stallWindow) + "; batches longer than that read as a stall.");
        if (plan.maintenanceWindow() != null) {
            md.bullet("The ETA alert measures elapsed time from the first " + Md.c(Prom.RUN_STATE)
                    + " sample within the window (migobs exports no start-time metric).");
        }
        md.endList();
        return md.toString();
    }

    private Duration shortestSample() {
        Duration min = null;
        for (Gate g : plan.allGates()) {
            if (min == null || g.sampleInterval().compareTo(min) < 0) {
                min = g.sampleInterval();
            }
        }
        return min == null ? Duration.ofSeconds(15) : min;
    }

    // ------------------------------------------------------------------------------------------ promtool tests

    /**
     * A {@code promtool test rules} file: for every gate, a series crossing its red (else yellow) threshold fires
     * the alert exactly when the hold window has passed and not one evaluation earlier, and a green series fires
     * nothing; a stalled series fires the stall alert; an ETA beyond the window fires the ETA alert.
     */
    public String testYaml(String rulesFile) {
        long e = evalIntervalMillis();
        List<Map<String, Object>> tests = new ArrayList<>();
        for (PlanGates pg : PlanGates.of(plan)) {
            tests.add(gateCrossing(pg, e));
            tests.add(gateGreen(pg, e));
        }
        tests.add(stall(e, true));
        tests.add(stall(e, false));
        if (plan.maintenanceWindow() != null) {
            tests.add(eta(e, true));
            tests.add(eta(e, false));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("rule_files", List.of(rulesFile));
        root.put("evaluation_interval", Prom.duration(Duration.ofMillis(e)));
        root.put("tests", tests);
        return "# Generated by migobs: run with `promtool test rules " + plan.name() + "-alerts.test.yml`.\n"
                + Yaml.yaml(root);
    }

    private long evalIntervalMillis() {
        long g = 0;
        for (Gate gate : plan.allGates()) {
            g = gcd(g, gate.sampleInterval().toMillis());
        }
        g = gcd(g, 1000);
        return Math.max(1, g);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private Map<String, Object> series(String selector, String values) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("series", selector);
        s.put("values", values);
        return s;
    }

    private static final int GREEN_STEPS = 10;

    private List<Map<String, Object>> gateSeries(PlanGates pg, double first, double then, int steps) {
        Gate g = pg.gate();
        List<Map<String, Object>> in = new ArrayList<>();
        String labels = "{migration=\"" + Prom.escape(m()) + "\",gate=\"" + Prom.escape(g.name()) + "\",unit=\""
                + Prom.escape(g.signal().unit()) + "\"}";
        in.add(series(Prom.GATE_VALUE + labels, num(first) + "x" + (GREEN_STEPS - 1) + " " + num(then) + "x" + steps));
        if (g.isRelative()) {
            // baseline 1: the effective thresholds equal the multiples
            String t = "{migration=\"" + Prom.escape(m()) + "\",gate=\"" + Prom.escape(g.name()) + "\",level=\"";
            String u = "\",unit=\"" + Prom.escape(g.signal().unit()) + "\"}";
            if (g.hasYellow()) {
                in.add(series(Prom.GATE_THRESHOLD + t + "yellow" + u, num(g.yellowThreshold()) + "x"
                        + (GREEN_STEPS + steps)));
            }
            if (g.hasRed()) {
                in.add(series(Prom.GATE_THRESHOLD + t + "red" + u, num(g.redThreshold()) + "x"
                        + (GREEN_STEPS + steps)));
            }
        }
        if (pg.phase() != null) {
            in.add(series(Prom.PHASE_ACTIVE + "{migration=\"" + Prom.escape(m()) + "\",phase=\""
                    + Prom.escape(pg.phase()) + "\"}", "1x" + (GREEN_STEPS + steps)));
        }
        return in;
    }

    private static double greenValue(Gate g) {
        double t = g.hasYellow() ? g.yellowThreshold() : g.redThreshold();
        if (GateText.above(g)) {
            return t > 0 ? t / 2 : t - 1;
        }
        return t > 0 ? t * 2 : t + 1;
    }

    private static double badValue(Gate g) {
        double t = g.hasRed() ? g.redThreshold() : g.yellowThreshold();
        if (GateText.above(g)) {
            return t > 0 ? t * 2 : t + 1;
        }
        return t > 0 ? t / 2 : t - 1;
    }

    private Map<String, Object> gateCrossing(PlanGates pg, long e) {
        Gate g = pg.gate();
        long step = g.sampleInterval().toMillis();
        long hold = g.holdWindow().toMillis();
        int steps = (int) (hold / step) + 10;
        double bad = badValue(g);
        String alert = g.hasRed() ? GATE_RED : GATE_YELLOW;
        Rule rule = rules.stream().filter(r -> r.alert().equals(alert) && r.gate() == g).findFirst().orElseThrow();
        long crossing = GREEN_STEPS * step;
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("name", "gate " + g.name() + ": " + Text.num(bad) + " " + g.signal().unit() + " fires " + alert
                + " after the " + Text.duration(g.holdWindow()) + " hold window, not before");
        test.put("interval", Prom.duration(Duration.ofMillis(step)));
        test.put("input_series", gateSeries(pg, greenValue(g), bad, steps));
        List<Map<String, Object>> cases = new ArrayList<>();
        cases.add(alertCase(crossing + hold - e, alert, List.of()));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("migration", m());
        labels.put("gate", g.name());
        labels.put("unit", g.signal().unit());
        labels.putAll(labels(rule));
        cases.add(alertCase(crossing + hold, alert, List.of(expected(labels, rule, bad))));
        test.put("alert_rule_test", cases);
        return test;
    }

    private Map<String, Object> gateGreen(PlanGates pg, long e) {
        Gate g = pg.gate();
        long step = g.sampleInterval().toMillis();
        int steps = (int) (g.holdWindow().toMillis() / step) + 10;
        double green = greenValue(g);
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("name", "gate " + g.name() + ": a green series (" + Text.num(green) + " " + g.signal().unit()
                + ") fires nothing");
        test.put("interval", Prom.duration(Duration.ofMillis(step)));
        test.put("input_series", gateSeries(pg, green, green, steps));
        long end = (GREEN_STEPS + steps) * step;
        List<Map<String, Object>> cases = new ArrayList<>();
        for (String a : new String[] {GATE_YELLOW, GATE_RED, GATE_UNKNOWN}) {
            cases.add(alertCase(end - end % e, a, List.of()));
        }
        test.put("alert_rule_test", cases);
        return test;
    }

    private Map<String, Object> stall(long e, boolean stalls) {
        long step = Math.max(e, stallWindow.toMillis() / 5);
        step -= step % e;
        int steps = 40;
        String rowsSeries = Prom.ROWS + "{migration=\"" + Prom.escape(m()) + "\",phase=\""
                + Prom.escape(plan.phases().get(0).name()) + "\"}";
        String values = stalls ? "0+100x9 1000x" + (steps - 10) : "0+100x" + steps;
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("name", stalls ? "rows stop while running: " + STALLED + " fires" : "rows keep moving: no stall");
        test.put("interval", Prom.duration(Duration.ofMillis(step)));
        test.put("input_series", List.of(series(rowsSeries, values),
                series(Prom.RUN_STATE + "{migration=\"" + Prom.escape(m()) + "\"}", "1x" + steps)));
        long late = 9 * step + stallWindow.toMillis() + STALL_FOR.toMillis() + 2 * step;
        late += (e - late % e) % e;
        List<Map<String, Object>> cases = new ArrayList<>();
        if (stalls) {
            Rule rule = rules.stream().filter(r -> r.alert().equals(STALLED)).findFirst().orElseThrow();
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("migration", m());
            labels.putAll(labels(rule));
            long early = 10 * step;
            cases.add(alertCase(early - early % e, STALLED, List.of()));
            cases.add(alertCase(late, STALLED, List.of(expected(labels, rule, Double.NaN))));
        } else {
            cases.add(alertCase(late, STALLED, List.of()));
        }
        test.put("alert_rule_test", cases);
        return test;
    }

    private Map<String, Object> eta(long e, boolean late) {
        long window = plan.maintenanceWindow().toMillis();
        long step = 60_000;
        long etaFor = etaFor().toMillis();
        int steps = (int) ((etaFor + 5 * step) / step) + 1;
        // late: the ETA is the whole window, so it exceeds what is left as soon as any time has passed;
        // on time: the ETA is half the window and stays inside it for the first half
        double eta = late ? window / 1000.0 : window / 2000.0;
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("name", late ? "ETA beyond what is left of the window: " + ETA + " fires" : "ETA inside the window");
        test.put("interval", Prom.duration(Duration.ofMillis(step)));
        test.put("input_series", List.of(
                series(Prom.ETA + "{migration=\"" + Prom.escape(m()) + "\",basis=\"effective\"}", num(eta) + "x" + steps),
                series(Prom.RUN_STATE + "{migration=\"" + Prom.escape(m()) + "\"}", "1x" + steps),
                series(Prom.RUN_START + "{migration=\"" + Prom.escape(m()) + "\"}", "0x" + steps)));
        long at = etaFor + 3 * step;
        at += (e - at % e) % e;
        List<Map<String, Object>> cases = new ArrayList<>();
        if (late) {
            Rule rule = rules.stream().filter(r -> r.alert().equals(ETA)).findFirst().orElseThrow();
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("migration", m());
            labels.putAll(labels(rule));
            cases.add(alertCase(0, ETA, List.of()));
            cases.add(alertCase(at, ETA, List.of(expected(labels, rule, eta))));
        } else {
            cases.add(alertCase(at, ETA, List.of()));
        }
        test.put("alert_rule_test", cases);
        return test;
    }

    private Map<String, Object> alertCase(long atMillis, String alert, List<Map<String, Object>> expected) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("eval_time", Prom.duration(Duration.ofMillis(Math.max(atMillis, 0))));
        c.put("alertname", alert);
        c.put("exp_alerts", expected);
        return c;
    }

    private Map<String, Object> expected(Map<String, String> labels, Rule rule, double value) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("exp_labels", labels);
        Map<String, String> ann = annotations(rule);
        Map<String, String> rendered = new LinkedHashMap<>();
        ann.forEach((k, v) -> rendered.put(k, v.contains("{{ $value }}") ? v.replace("{{ $value }}", goFloat(value)) : v));
        a.put("exp_annotations", rendered);
        return a;
    }

    private static String num(double v) {
        return Prom.num(v);
    }

    /** How Go's text/template prints a float64 (%v) for the plain values the tests use. */
    private static String goFloat(double v) {
        return Prom.num(v);
    }
}
