package io.migobs.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.RollbackComplexity;
import io.migobs.Signals;
import io.migobs.artifacts.internal.Dashboard;
import io.migobs.artifacts.internal.Prom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated rules and queries are valid for Prometheus, and behave: promtool checks and unit-tests them. */
class PromtoolTest {
    private static final MigrationPlan PLAN = Fixtures.plan(Fixtures.Script.green());

    @TempDir
    Path dir;

    private Path rules(MigrationArtifacts a) throws Exception {
        List<Path> files = a.write(dir);
        return files.stream().filter(f -> f.toString().endsWith("-alerts.rules.yml")).findFirst().orElseThrow();
    }

    @Test
    void generatedAlertRulesPassPromtoolCheck() throws Exception {
        Path rules = rules(MigrationArtifacts.of(PLAN));
        Promtool.Result r = Promtool.run(dir, "check", "rules", rules.getFileName().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void generatedUnitTestsPass_redCrossingFiresAfterHoldWindow_greenFiresNothing() throws Exception {
        MigrationArtifacts a = MigrationArtifacts.of(PLAN);
        rules(a);
        String test = a.alertRulesTest();
        // every gate has a crossing test and a green test
        for (Gate g : PLAN.allGates()) {
            assertThat(test).contains("gate " + g.name() + ": a green series").contains("gate " + g.name() + ": ");
        }
        Promtool.Result r = Promtool.run(dir, "test", "rules", PLAN.name() + "-alerts.test.yml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    /** Keeps only the generated test groups of one gate, so a mutation test runs in a fraction of the time. */
    @SuppressWarnings("unchecked")
    private void onlyTestsOfGate(String gate) throws Exception {
        Path file = dir.resolve(PLAN.name() + "-alerts.test.yml");
        YAMLMapper yaml = new YAMLMapper();
        Map<String, Object> root = yaml.readValue(file.toFile(), Map.class);
        List<Map<String, Object>> tests = (List<Map<String, Object>>) root.get("tests");
        tests.removeIf(t -> !String.valueOf(t.get("name")).startsWith("gate " + gate + ":"));
        assertThat(tests).hasSize(2);
        yaml.writeValue(file.toFile(), root);
    }

    @Test
    void unitTestsCatchAnAlertThatFiresLaterThanTheHoldWindow() throws Exception {
        MigrationArtifacts a = MigrationArtifacts.of(PLAN);
        Path rules = rules(a);
        onlyTestsOfGate("replica-lag");
        String text = Files.readString(rules);
        // the replica-lag gate holds 15 s; a rule waiting 20 s must fail the generated test
        String broken = text.replaceFirst("(gate=\\\\\"replica-lag\\\\\"\\} > 30\"\\n\\s+for: )15s", "$120s");
        assertThat(broken).isNotEqualTo(text);
        Files.writeString(rules, broken);
        Promtool.Result r = Promtool.run(dir, "test", "rules", PLAN.name() + "-alerts.test.yml");
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("gate replica-lag").contains("MigobsGateRed");
    }

    @Test
    void unitTestsCatchAnAlertOnTheWrongThreshold() throws Exception {
        MigrationArtifacts a = MigrationArtifacts.of(PLAN);
        Path rules = rules(a);
        onlyTestsOfGate("replica-lag");
        String text = Files.readString(rules);
        // a red threshold above the crossing value (60) never fires
        String broken = text.replace("gate=\\\"replica-lag\\\"} > 30\"", "gate=\\\"replica-lag\\\"} > 90\"");
        assertThat(broken).isNotEqualTo(text);
        Files.writeString(rules, broken);
        Promtool.Result r = Promtool.run(dir, "test", "rules", PLAN.name() + "-alerts.test.yml");
        assertThat(r.exitCode()).as(r.output()).isNotZero();
    }

    @Test
    void stopAndStabilizePlanWithRelativeBelowGateAlsoPasses() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("irreversible-cutover")
                .rollback(RollbackComplexity.IMPOSSIBLE)
                .gate(Gate.builder("headroom", Signals.of("cpu.headroom", Signals.RATIO, "1 - cpu busy", () -> 0.5))
                        .yellowBelow(0.8).redBelow(0.5).relativeToBaseline(Gate.BaselineStatistic.MEDIAN)
                        .sampleInterval(java.time.Duration.ofMillis(1500)).holdSamples(4).build())
                .build();
        MigrationArtifacts a = MigrationArtifacts.of(plan);
        rules(a);
        assertThat(a.alertRules()).contains("MigobsRunStabilizing");
        Promtool.Result check = Promtool.run(dir, "check", "rules", plan.name() + "-alerts.rules.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        Promtool.Result test = Promtool.run(dir, "test", "rules", plan.name() + "-alerts.test.yml");
        assertThat(test.exitCode()).as(test.output()).isZero();
    }

    @Test
    void planWithoutGatesStillGetsValidRulesAndTests() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("v1.2_schema-only").build();
        MigrationArtifacts a = MigrationArtifacts.of(plan);
        rules(a);
        assertThat(a.alertRules()).doesNotContain("MigobsGate").contains("MigobsStalled");
        Promtool.Result check = Promtool.run(dir, "check", "rules", plan.name() + "-alerts.rules.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        Promtool.Result test = Promtool.run(dir, "test", "rules", plan.name() + "-alerts.test.yml");
        assertThat(test.exitCode()).as(test.output()).isZero();
    }

    @Test
    void everyDashboardQueryIsValidPromQl() throws Exception {
        List<String> queries = new Dashboard(PLAN, Map.of()).queries();
        assertThat(queries).hasSizeGreaterThan(15);
        List<Map<String, Object>> records = new ArrayList<>();
        int i = 0;
        for (String q : queries) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("record", "migobs:dashboard:query_" + i++);
            rule.put("expr", q.replace(Dashboard.VAR, PLAN.name()));
            records.add(rule);
        }
        Path file = dir.resolve("dashboard-queries.rules.yml");
        Files.writeString(file, new YAMLMapper().writeValueAsString(
                Map.of("groups", List.of(Map.of("name", "dashboard", "rules", records)))), StandardCharsets.UTF_8);
        Promtool.Result r = Promtool.run(dir, "check", "rules", file.getFileName().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void promtoolRejectsABrokenQuery_soTheCheckAboveMeansSomething() throws Exception {
        Path file = dir.resolve("broken.rules.yml");
        Files.writeString(file, "groups:\n  - name: x\n    rules:\n      - record: x:y\n        expr: 'sum(" + Prom.ROWS
                + "'\n");
        Promtool.Result r = Promtool.run(dir, "check", "rules", file.getFileName().toString());
        assertThat(r.exitCode()).isNotZero();
    }
}
