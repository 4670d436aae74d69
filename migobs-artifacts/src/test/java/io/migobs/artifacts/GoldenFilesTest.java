package io.migobs.artifacts;

import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GoldenFilesTest {
    private static MigrationArtifacts artifacts;
    private static RunReport report;

    @BeforeAll
    static void render() {
        MigrationPlan plan = Fixtures.plan(Fixtures.Script.lagSpike());
        report = Fixtures.report();
        artifacts = MigrationArtifacts.of(plan).withReport(report);
    }

    @Test
    void runbook() throws IOException {
        Golden.assertMatches("runbook.md", artifacts.runbook());
    }

    @Test
    void dashboardSpec() throws IOException {
        Golden.assertMatches("dashboard.md", artifacts.dashboardMarkdown());
    }

    @Test
    void dashboardJson() throws IOException {
        Golden.assertMatches("dashboard.json", artifacts.dashboardJson());
    }

    @Test
    void alertSpec() throws IOException {
        Golden.assertMatches("alerts.md", artifacts.alertsMarkdown());
    }

    @Test
    void alertRules() throws IOException {
        Golden.assertMatches("alerts.rules.yml", artifacts.alertRules());
    }

    @Test
    void alertRulesTest() throws IOException {
        Golden.assertMatches("alerts.test.yml", artifacts.alertRulesTest());
    }

    @Test
    void closeout() throws IOException {
        Golden.assertMatches("closeout.md", artifacts.closeout(report));
    }

    @Test
    void summary() throws IOException {
        String dir = "docs/runbooks/migrations/";
        Golden.assertMatches("summary.md", artifacts.summary(List.of(
                Path.of(dir + Fixtures.NAME + ".md"), Path.of(dir + Fixtures.NAME + "-dashboard.md"),
                Path.of(dir + Fixtures.NAME + "-dashboard.json"), Path.of(dir + Fixtures.NAME + "-alerts.md"),
                Path.of(dir + Fixtures.NAME + "-alerts.rules.yml"), Path.of(dir + Fixtures.NAME + "-closeout.md"))));
    }
}
