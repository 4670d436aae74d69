package io.migobs.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.Signals;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Grafana JSON parses and has what Grafana's import needs. */
class DashboardJsonTest {
    private static final MigrationPlan PLAN = Fixtures.plan(Fixtures.Script.green());
    private final JsonNode root = parse(MigrationArtifacts.of(PLAN).dashboardJson());

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError("dashboard JSON does not parse", e);
        }
    }

    @Test
    void hasTheTopLevelFieldsImportNeeds() {
        assertThat(root.path("title").asText()).isEqualTo("Migration " + PLAN.name());
        assertThat(root.path("uid").asText()).hasSizeLessThanOrEqualTo(40).isNotBlank();
        assertThat(root.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(root.has("id")).isTrue();
        assertThat(root.path("id").isNull()).isTrue();
        assertThat(root.path("panels").isArray()).isTrue();
        assertThat(root.path("time").path("from").asText()).isNotBlank();
    }

    @Test
    void isTemplatedByMigrationWithThePlanAsDefault() {
        JsonNode vars = root.path("templating").path("list");
        JsonNode migration = null;
        for (JsonNode v : vars) {
            if (v.path("name").asText().equals("migration")) {
                migration = v;
            }
        }
        assertThat(migration).as("template variable 'migration'").isNotNull();
        assertThat(migration.path("type").asText()).isEqualTo("query");
        assertThat(migration.path("current").path("value").asText()).isEqualTo(PLAN.name());
        for (JsonNode p : root.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("expr").asText()).contains("migration=\"$migration\"");
            }
        }
    }

    @Test
    void everyPanelHasIdTypeGridPosAndQueriesWithRefIds() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : root.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
            assertThat(p.path("type").asText()).isIn("row", "timeseries", "stat", "state-timeline");
            JsonNode g = p.path("gridPos");
            assertThat(g.path("w").asInt()).isBetween(1, 24);
            assertThat(g.path("x").asInt() + g.path("w").asInt()).isLessThanOrEqualTo(24);
            assertThat(g.path("h").asInt()).isPositive();
            if (!p.path("type").asText().equals("row")) {
                assertThat(p.path("targets").size()).as("targets of %s", p.path("title")).isPositive();
                for (JsonNode t : p.path("targets")) {
                    assertThat(t.path("refId").asText()).isNotBlank();
                    assertThat(t.path("datasource").path("type").asText()).isEqualTo("prometheus");
                }
                JsonNode steps = p.path("fieldConfig").path("defaults").path("thresholds").path("steps");
                assertThat(steps.size()).isPositive();
                assertThat(steps.get(0).path("value").isNull()).as("first threshold step is the base").isTrue();
            }
        }
    }

    @Test
    void panelsDoNotOverlap() {
        Set<String> cells = new HashSet<>();
        for (JsonNode p : root.path("panels")) {
            JsonNode g = p.path("gridPos");
            for (int x = g.path("x").asInt(); x < g.path("x").asInt() + g.path("w").asInt(); x++) {
                for (int y = g.path("y").asInt(); y < g.path("y").asInt() + g.path("h").asInt(); y++) {
                    assertThat(cells.add(x + "," + y)).as("cell %s,%s of %s", x, y, p.path("title")).isTrue();
                }
            }
        }
    }

    @Test
    void absoluteGatesDrawTheirThresholdsAsLines() {
        JsonNode lag = panel("Gate replica-lag: replica.lag (seconds)");
        JsonNode steps = lag.path("fieldConfig").path("defaults").path("thresholds").path("steps");
        assertThat(steps.get(1).path("value").asDouble()).isEqualTo(5.0);
        assertThat(steps.get(1).path("color").asText()).isEqualTo("yellow");
        assertThat(steps.get(2).path("value").asDouble()).isEqualTo(30.0);
        assertThat(lag.path("fieldConfig").path("defaults").path("custom").path("thresholdsStyle").path("mode")
                .asText()).isEqualTo("line");
        JsonNode disk = panel("Gate disk-free: disk.free (ratio)");
        JsonNode ds = disk.path("fieldConfig").path("defaults").path("thresholds").path("steps");
        assertThat(ds.get(0).path("color").asText()).isEqualTo("red");
        assertThat(ds.get(1).path("value").asDouble()).isEqualTo(0.1);
        assertThat(ds.get(2).path("color").asText()).isEqualTo("green");
        assertThat(ds.get(2).path("value").asDouble()).isEqualTo(0.2);
    }

    @Test
    void longNamesGetAValidUid() {
        String name = "a".repeat(60);
        MigrationPlan plan = MigrationPlan.builder(name)
                .gate(Gate.builder("g", Signals.batchErrorRate()).redAbove(0.5).build()).build();
        JsonNode r = parse(MigrationArtifacts.of(plan).dashboardJson());
        assertThat(r.path("uid").asText()).hasSize(40).startsWith("migobs-aaaa");
    }

    private JsonNode panel(String title) {
        for (JsonNode p : root.path("panels")) {
            if (p.path("title").asText().equals(title)) {
                return p;
            }
        }
        throw new AssertionError("no panel titled " + title);
    }
}
