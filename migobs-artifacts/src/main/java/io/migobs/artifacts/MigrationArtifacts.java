package io.migobs.artifacts;

import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.artifacts.internal.AlertRules;
import io.migobs.artifacts.internal.Closeout;
import io.migobs.artifacts.internal.Dashboard;
import io.migobs.artifacts.internal.Runbook;
import io.migobs.artifacts.internal.Summary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders the documents of a live migration from the same {@link MigrationPlan} the run enforces, so they cannot
 * drift from what the code does:
 *
 * <pre>{@code
 * List<Path> files = MigrationArtifacts.of(plan)
 *         .withReport(run.report())      // optional: baselines in the runbook, and the closeout
 *         .write(Path.of("docs/runbooks/migrations"));
 * }</pre>
 *
 * <p>{@link #write(Path)} writes, for a plan named {@code m}: {@code m.md} (runbook), {@code m-dashboard.md} and
 * {@code m-dashboard.json} (Grafana), {@code m-alerts.md}, {@code m-alerts.rules.yml} (Prometheus) and
 * {@code m-alerts.test.yml} ({@code promtool test rules}), {@code m-closeout.md} (only with a report) and
 * {@code m-summary.md}. Each document is also available as a string.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return a new instance. Rendering is deterministic: the
 * same plan and report give the same bytes.
 */
public final class MigrationArtifacts {

    /** Default stall window: no row processed for this long while running fires the stall alert (5 minutes). */
    public static final Duration DEFAULT_STALL_WINDOW = Duration.ofMinutes(5);

    private final MigrationPlan plan;
    private final RunReport report;
    private final Duration stallWindow;

    private MigrationArtifacts(MigrationPlan plan, RunReport report, Duration stallWindow) {
        this.plan = plan;
        this.report = report;
        this.stallWindow = stallWindow;
    }

    /**
     * Starts rendering the documents of a plan.
     *
     * @param plan the plan
     * @return the artifacts, without a run report
     * @throws NullPointerException if plan is null
     */
    public static MigrationArtifacts of(MigrationPlan plan) {
        return new MigrationArtifacts(Objects.requireNonNull(plan, "plan cannot be null"), null, DEFAULT_STALL_WINDOW);
    }

    /**
     * Adds a run's report: its baselines fill the runbook's pre-flight table and the relative thresholds, and
     * {@link #write(Path)} then writes the closeout too.
     *
     * @param runReport the report of a run of this plan ({@code run.report()})
     * @return a new instance
     * @throws NullPointerException if runReport is null
     * @throws IllegalArgumentException if the report is of another migration
     */
    public MigrationArtifacts withReport(RunReport runReport) {
        Objects.requireNonNull(runReport, "run report cannot be null");
        checkSameMigration(runReport);
        return new MigrationArtifacts(plan, runReport, stallWindow);
    }

    /**
     * How long no row may be processed while the run is running before the stall alert fires.
     *
     * @param window positive, at least one second (default 5 minutes)
     * @return a new instance
     * @throws NullPointerException if window is null
     * @throws IllegalArgumentException if window is shorter than one second
     */
    public MigrationArtifacts withStallWindow(Duration window) {
        Objects.requireNonNull(window, "stall window cannot be null");
        if (window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("stall window must be at least 1s but was " + window);
        }
        return new MigrationArtifacts(plan, report, window);
    }

    private void checkSameMigration(RunReport r) {
        if (!r.migration().equals(plan.name())) {
            throw new IllegalArgumentException("run report is of migration '" + r.migration()
                    + "', not of plan '" + plan.name() + "'");
        }
    }

    private Map<String, Double> baselines() {
        return report == null ? Map.of() : report.baselines();
    }

    /** @return the plan being rendered */
    public MigrationPlan plan() {
        return plan;
    }

    /** @return the runbook (Markdown): classification, inputs, pre-flight, gate table per phase, knobs, rollback */
    public String runbook() {
        return new Runbook(plan, baselines()).render();
    }

    /** @return the dashboard spec (Markdown): panels, the question each answers, PromQL, thresholds drawn */
    public String dashboardMarkdown() {
        return new Dashboard(plan, baselines()).markdown(fileName("-dashboard.json"));
    }

    /** @return the importable Grafana dashboard (JSON), templated by the {@code migration} variable */
    public String dashboardJson() {
        return new Dashboard(plan, baselines()).json();
    }

    /** @return the alert spec (Markdown): what pages whom, what opens a ticket, escalation */
    public String alertsMarkdown() {
        return new AlertRules(plan, stallWindow).markdown(fileName("-alerts.rules.yml"));
    }

    /** @return the Prometheus alerting rules (YAML), for {@code rule_files} */
    public String alertRules() {
        return new AlertRules(plan, stallWindow).yaml();
    }

    /**
     * Unit tests of the alerting rules for {@code promtool test rules}: every gate's red (else yellow) alert fires
     * exactly when its hold window has passed and a green series fires nothing; a stall and a late ETA fire.
     *
     * @return the test file (YAML); it names the rule file {@code <migration>-alerts.rules.yml} beside it
     */
    public String alertRulesTest() {
        return new AlertRules(plan, stallWindow).testYaml(fileName("-alerts.rules.yml"));
    }

    /**
     * The closeout of a run (Markdown): outcome, rows, duration, throughput, time throttled and paused, every
     * decision and gate change with its values, invariant results, follow-ups.
     *
     * @param runReport the run's report
     * @return the closeout
     * @throws NullPointerException if runReport is null
     * @throws IllegalArgumentException if the report is of another migration
     */
    public String closeout(RunReport runReport) {
        Objects.requireNonNull(runReport, "run report cannot be null");
        checkSameMigration(runReport);
        return new Closeout(plan, runReport).render();
    }

    /**
     * The summary in the brief's output contract (Markdown): labeled bullets, in order — classification; progress
     * metrics with thresholds and sources; safety metrics with thresholds and sources; gate table by phase; the files
     * produced; risks, assumptions and missing instrumentation.
     *
     * @param files the files produced, as they should be listed (paths or names)
     * @return the summary
     * @throws NullPointerException if files is null
     */
    public String summary(List<?> files) {
        Objects.requireNonNull(files, "files cannot be null");
        List<String> names = files.stream().map(String::valueOf).toList();
        return new Summary(plan, baselines(), report != null, stallWindow).render(names);
    }

    /**
     * The risks, assumptions and missing instrumentation the summary lists, one sentence each, prefixed
     * {@code MISSING:}, {@code RISK:} or {@code ASSUMPTION:}.
     *
     * @return the list, never empty
     */
    public List<String> risks() {
        return new Summary(plan, baselines(), report != null, stallWindow).risks();
    }

    /**
     * Writes every document into a directory (created if missing), overwriting files of the same name.
     *
     * @param dir the directory
     * @return the files written, in the order of the summary's list
     * @throws NullPointerException if dir is null
     * @throws IOException if a file cannot be written
     */
    public List<Path> write(Path dir) throws IOException {
        Objects.requireNonNull(dir, "directory cannot be null");
        Files.createDirectories(dir);
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put(fileName(".md"), runbook());
        docs.put(fileName("-dashboard.md"), dashboardMarkdown());
        docs.put(fileName("-dashboard.json"), dashboardJson());
        docs.put(fileName("-alerts.md"), alertsMarkdown());
        docs.put(fileName("-alerts.rules.yml"), alertRules());
        docs.put(fileName("-alerts.test.yml"), alertRulesTest());
        if (report != null) {
            docs.put(fileName("-closeout.md"), closeout(report));
        }
        String summaryName = fileName("-summary.md");
        List<Path> paths = new ArrayList<>();
        for (String name : docs.keySet()) {
            paths.add(dir.resolve(name));
        }
        paths.add(dir.resolve(summaryName));
        docs.put(summaryName, summary(paths));
        for (Map.Entry<String, String> e : docs.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        return List.copyOf(paths);
    }

    private String fileName(String suffix) {
        return plan.name() + suffix;
    }
}
