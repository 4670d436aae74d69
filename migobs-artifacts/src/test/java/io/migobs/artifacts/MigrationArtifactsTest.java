package io.migobs.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Batch;
import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.InvariantResult;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.Phase;
import io.migobs.RollbackComplexity;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.Signals;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationArtifactsTest {
    @TempDir
    Path dir;

    private final Fixtures.Script script = Fixtures.Script.green();
    private final MigrationPlan plan = Fixtures.plan(script);

    @Test
    void writeWithoutReportWritesEverythingButTheCloseout() throws Exception {
        List<Path> files = MigrationArtifacts.of(plan).write(dir.resolve("docs"));
        String n = Fixtures.NAME;
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(n + ".md",
                n + "-dashboard.md", n + "-dashboard.json", n + "-alerts.md", n + "-alerts.rules.yml",
                n + "-alerts.test.yml", n + "-summary.md");
        for (Path f : files) {
            assertThat(f).isRegularFile();
            assertThat(Files.size(f)).isPositive();
        }
        String summary = Files.readString(files.get(files.size() - 1));
        for (Path f : files) {
            assertThat(summary).contains(f.toString());
        }
    }

    @Test
    void writeWithReportAddsTheCloseoutAndBaselines() throws Exception {
        RunReport report = Fixtures.run(plan, script, new SimpleMeterRegistry());
        MigrationArtifacts a = MigrationArtifacts.of(plan).withReport(report);
        List<Path> files = a.write(dir);
        assertThat(files).extracting(p -> p.getFileName().toString()).contains(Fixtures.NAME + "-closeout.md");
        assertThat(a.runbook()).contains("| `orders-latency` | p99 of orders.query.p99 | 0.012 seconds |");
        assertThat(MigrationArtifacts.of(plan).runbook()).contains("_not measured_");
    }

    @Test
    void aReportOfAnotherMigrationIsRejected() {
        MigrationPlan other = MigrationPlan.builder("other").totalRows(10).build();
        RunReport report = runToEnd(other, new ManualTimeSource());
        assertThatThrownBy(() -> MigrationArtifacts.of(plan).withReport(report))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("run report is of migration 'other', not of plan '" + Fixtures.NAME + "'");
        assertThatThrownBy(() -> MigrationArtifacts.of(plan).closeout(report))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badArgumentsFailFast() {
        assertThatThrownBy(() -> MigrationArtifacts.of(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("plan cannot be null");
        assertThatThrownBy(() -> MigrationArtifacts.of(plan).withStallWindow(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stall window must be at least 1s");
        assertThatThrownBy(() -> MigrationArtifacts.of(plan).write(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void stallWindowGoesIntoTheRule() {
        String rules = MigrationArtifacts.of(plan).withStallWindow(Duration.ofMinutes(12)).alertRules();
        assertThat(rules).contains("[12m]").contains("no rows processed for 12m while running");
    }

    @Test
    void rendersAreDeterministic() {
        MigrationArtifacts a = MigrationArtifacts.of(plan);
        assertThat(a.runbook()).isEqualTo(MigrationArtifacts.of(Fixtures.plan(Fixtures.Script.green())).runbook());
        assertThat(a.dashboardJson()).isEqualTo(a.dashboardJson());
    }

    @Test
    void missingInstrumentationIsCalledOutNotHidden() {
        MigrationPlan bare = MigrationPlan.builder("bare")
                .blastRadius(io.migobs.BlastRadius.HIGH)
                .errorBudget(0.02)
                .gate(Gate.builder("lag", ScriptedSignal.named("replica.lag", "seconds"))
                        .yellowAbove(5).build())
                .gate(Gate.builder("p99", Signals.of("db.p99", "seconds", () -> 0.1)).redAbove(2)
                        .relativeToBaseline(Gate.BaselineStatistic.P99).build())
                .build();
        List<String> risks = MigrationArtifacts.of(bare).risks();
        assertThat(risks).anyMatch(r -> r.startsWith("MISSING: gate `p99` reads signal `db.p99` with no described"
                + " source"));
        assertThat(risks).anyMatch(r -> r.startsWith("ASSUMPTION: gate `p99` is relative to a baseline"));
        assertThat(risks).anyMatch(r -> r.startsWith("RISK: gate `lag` has no red level"));
        assertThat(risks).anyMatch(r -> r.startsWith("MISSING: no invariant"));
        assertThat(risks).anyMatch(r -> r.startsWith("MISSING: no rollback hook"));
        assertThat(risks).anyMatch(r -> r.startsWith("MISSING: no owner and no escalation"));
        assertThat(risks).anyMatch(r -> r.startsWith("MISSING: no maintenance window"));
        assertThat(risks).anyMatch(r -> r.startsWith("MISSING: no total rows and no key range"));
        assertThat(risks).anyMatch(r -> r.startsWith("MISSING: no replica lag signal"));
        assertThat(risks).anyMatch(r -> r.contains("no gate watches `batch.error.rate`"));
        assertThat(risks).anyMatch(r -> r.startsWith("RISK: high blast radius with a single phase"));
        String summary = MigrationArtifacts.of(bare).summary(List.of("bare.md"));
        for (String r : risks) {
            assertThat(summary).contains(r);
        }
        // and a complete plan has none of these
        assertThat(MigrationArtifacts.of(plan).risks()).noneMatch(r -> r.startsWith("MISSING: ")
                && !r.startsWith("MISSING (core)"));
    }

    @Test
    void summaryFollowsTheOutputContractOrder() {
        String s = MigrationArtifacts.of(plan).summary(List.of("a.md"));
        int[] at = {s.indexOf("**Migration classification:**"), s.indexOf("**Progress metrics (thresholds + sources):**"),
            s.indexOf("**Safety metrics (thresholds + sources):**"), s.indexOf("**Gate table by phase"),
            s.indexOf("**Runbook/dashboard/alerts file paths produced:**"),
            s.indexOf("**Risks, assumptions, and missing instrumentation:**")};
        for (int i = 0; i < at.length; i++) {
            assertThat(at[i]).as("bullet %s present", i).isPositive();
            if (i > 0) {
                assertThat(at[i]).as("bullet %s after bullet %s", i, i - 1).isGreaterThan(at[i - 1]);
            }
        }
    }

    @Test
    void irreversiblePlanSaysStopAndStabilizeEverywhere() {
        MigrationPlan p = MigrationPlan.builder("drop-legacy").rollback(RollbackComplexity.IMPOSSIBLE)
                .escalation("dba-oncall")
                .gate(Gate.builder("lag", Fixtures.lag(script)).yellowAbove(5).redAbove(30).build()).build();
        MigrationArtifacts a = MigrationArtifacts.of(p);
        assertThat(a.runbook()).contains("| Stop and stabilize (red) |").contains("Stop and stabilize when > 30")
                .contains("## 6. Stop and stabilize, and escalation").doesNotContain("Roll back when");
        assertThat(a.alertRules()).contains("MigobsRunStabilizing").contains("The run stops and stabilizes");
        assertThat(a.summary(List.of())).contains("red stops and stabilizes, then escalates")
                .contains("stop-and-stabilize");
    }

    @Test
    void closeoutOfAnAbortedRunShowsTheCauseTheRollbackAndFollowUps() {
        ManualTimeSource time = new ManualTimeSource();
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(1, 5).then(45);
        java.util.concurrent.atomic.AtomicReference<String> rolledBack = new java.util.concurrent.atomic.AtomicReference<>();
        MigrationPlan p = MigrationPlan.builder("aborting").totalRows(1_000_000)
                .phase(Phase.builder("canary").rows(1000).build()).phase(Phase.builder("full").build())
                .gate(Gate.builder("lag", lag).yellowAbove(5).redAbove(30).build())
                .invariant("count", Cadence.everyBatches(5), ctx -> InvariantResult.pass(10))
                .onRollback(rolledBack::set, "drop the new column")
                .build();
        RunReport report = runToEnd(p, time);
        assertThat(report.state()).isEqualTo(RunState.ABORTED);
        assertThat(rolledBack.get()).isNotNull();
        String c = MigrationArtifacts.of(p).closeout(report);
        assertThat(c).contains("| Outcome | **ABORTED** |")
                .contains("| Rollback | the rollback hook ran successfully |")
                .contains("GREEN → YELLOW").contains("YELLOW → RED").contains("45 seconds")
                .contains("THROTTLE → ABORT")
                .contains("- [ ] Find the root cause of the abort: ")
                .contains("- [ ] Review gate `lag`: it went RED 1 time(s)")
                .contains("| `count` |");
    }

    private static RunReport runToEnd(MigrationPlan p, ManualTimeSource time) {
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).start()) {
            long cursor = 0;
            while (run.hasNext()) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(200));
                cursor += b.size();
                b.complete(b.size(), cursor);
            }
            return run.report();
        }
    }
}
