package io.migobs.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.MigrationType;
import io.migobs.Phase;
import io.migobs.RollbackComplexity;
import io.migobs.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanYamlTest {
    private final Fixtures.Script script = Fixtures.Script.green();
    private final SignalRegistry registry = Fixtures.registry(script);
    private final MigrationPlan plan = Fixtures.plan(script);

    @TempDir
    Path dir;

    private static final String MINIMAL = """
            name: m
            gates:
              - name: lag
                signal: replica.lag
                yellowAbove: 5
                redAbove: 30
            """;

    @Test
    void writtenPlanIsTheGolden() throws IOException {
        Golden.assertMatches("plan.yml", PlanYaml.toYaml(plan, registry));
    }

    @Test
    void roundTripGivesTheSamePlanAndTheSameYaml() throws IOException {
        Path file = dir.resolve("plan.yml");
        PlanYaml.write(plan, registry, file);
        MigrationPlan loaded = PlanYaml.load(file, registry);

        assertThat(PlanYaml.toYaml(loaded, registry)).isEqualTo(Files.readString(file));
        assertThat(loaded.name()).isEqualTo(plan.name());
        assertThat(loaded.type()).isEqualTo(plan.type());
        assertThat(loaded.blastRadius()).isEqualTo(plan.blastRadius());
        assertThat(loaded.rollback()).isEqualTo(plan.rollback());
        assertThat(loaded.totalRows()).isEqualTo(plan.totalRows());
        assertThat(loaded.maintenanceWindow()).isEqualTo(Duration.ofHours(2));
        assertThat(loaded.phases()).extracting(Phase::name).containsExactly("canary", "ramp", "full");
        assertThat(loaded.phases().get(0).requiresApproval()).isTrue();
        assertThat(loaded.phases().get(1).untilFraction()).isEqualTo(0.25);
        assertThat(loaded.allGates()).extracting(Gate::name)
                .containsExactly("replica-lag", "batch-errors", "orders-latency", "disk-free");
        Gate lag = loaded.gates().get(0);
        assertThat(lag.yellowThreshold()).isEqualTo(5);
        assertThat(lag.redThreshold()).isEqualTo(30);
        assertThat(lag.holdWindow()).isEqualTo(Duration.ofSeconds(15));
        assertThat(loaded.gates().get(2).baselineStatistic()).isEqualTo(Gate.BaselineStatistic.P99);
        assertThat(loaded.phases().get(2).gates().get(0).direction()).isEqualTo(Gate.Direction.BELOW);
        assertThat(loaded.phases().get(2).gates().get(0).yellowAction()).isEqualTo(Gate.YellowAction.PAUSE);
        // the documents rendered from either plan are identical
        assertThat(MigrationArtifacts.of(loaded).runbook()).isEqualTo(MigrationArtifacts.of(plan).runbook());
        assertThat(MigrationArtifacts.of(loaded).alertRules()).isEqualTo(MigrationArtifacts.of(plan).alertRules());
    }

    @Test
    void signalsChecksAndHooksAreBoundByName() {
        MigrationPlan loaded = PlanYaml.parse(PlanYaml.toYaml(plan, registry), registry);
        assertThat(loaded.gates().get(0).signal()).isSameAs(script.lagSignal);
        assertThat(loaded.replicaLag()).isSameAs(script.lagSignal);
        assertThat(loaded.gates().get(1).signal()).isSameAs(Signals.batchErrorRate());
        assertThat(loaded.invariants().get(0).check()).isSameAs(script.checksum);
        assertThat(loaded.rollbackAction()).isSameAs(script.rollback);
    }

    @Test
    void keyRangeRoundTrips() {
        MigrationPlan p = MigrationPlan.builder("kr").keyRange(-10, 5000)
                .phase(Phase.builder("half").untilFraction(0.5).build()).phase(Phase.builder("rest").build())
                .build();
        String yaml = PlanYaml.toYaml(p, registry);
        assertThat(yaml).contains("keyRange:\n  min: -10\n  max: 5000");
        MigrationPlan loaded = PlanYaml.parse(yaml, registry);
        assertThat(loaded.progressDescription()).isEqualTo(p.progressDescription());
        assertThat(loaded.progressFunction().applyAsDouble(2495L)).isEqualTo(0.5);
        assertThat(loaded.keyRange()).contains(new MigrationPlan.KeyRange(-10, 5000));
    }

    @Test
    void aCursorFunctionWhoseDescriptionReadsLikeAKeyRangeStaysACursorFunction() {
        java.util.function.ToDoubleFunction<Object> half = c -> 0.5;
        SignalRegistry withFn = SignalRegistry.builder().signal(script.lagSignal, script.latency, script.disk)
                .progress("half", half).build();
        MigrationPlan p = MigrationPlan.builder("kr-text").keyRange(0, 10)
                .progressFromCursor(half, "cursor position in key range [1, 100]").build();
        assertThat(p.keyRange()).isEmpty();
        String yaml = PlanYaml.toYaml(p, withFn);
        assertThat(yaml).doesNotContain("keyRange").contains("progressFromCursor:", "function: half");
        assertThat(PlanYaml.parse(yaml, withFn).progressFunction()).isSameAs(half);
    }

    @Test
    void unknownSignalIsRejectedWithItsLine() {
        String yaml = MINIMAL.replace("signal: replica.lag", "signal: replica.lagg");
        assertThatThrownBy(() -> PlanYaml.parse(yaml, registry))
                .isInstanceOf(PlanYamlException.class)
                .hasMessageStartingWith("plan.yml, line 4, column 5, at gates[0].signal: unknown signal 'replica.lagg'")
                .hasMessageContaining("replica.lag")
                .satisfies(e -> assertThat(((PlanYamlException) e).line()).isEqualTo(4));
    }

    @Test
    void unknownKeysAreRejected() {
        String yaml = MINIMAL + "    yelowAbove: 3\n";
        assertThatThrownBy(() -> PlanYaml.parse(yaml, registry))
                .isInstanceOf(PlanYamlException.class)
                .hasMessageContaining("line 7")
                .hasMessageContaining("gates[0].yelowAbove: unknown key 'yelowAbove'")
                .hasMessageContaining("yellowAbove");
        assertThatThrownBy(() -> PlanYaml.parse("name: m\nmaintenanceWindw: 2h\n", registry))
                .hasMessageContaining("line 2").hasMessageContaining("unknown key 'maintenanceWindw'");
    }

    @Test
    void builderRulesAreEnforcedWithTheLineOfTheGate() {
        String yaml = MINIMAL.replace("redAbove: 30", "redAbove: 3");
        assertThatThrownBy(() -> PlanYaml.parse(yaml, registry))
                .isInstanceOf(PlanYamlException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("yellow threshold 5.0 must be below red threshold 3.0 for gate 'lag'")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void crossPhaseRulesPointAtThePhase() {
        String yaml = """
                name: m
                totalRows: 1000
                phases:
                  - name: canary
                    untilFraction: 0.5
                  - name: ramp
                    untilFraction: 0.4
                  - name: full
                """;
        assertThatThrownBy(() -> PlanYaml.parse(yaml, registry))
                .isInstanceOf(PlanYamlException.class)
                .hasMessageContaining("line 6")
                .hasMessageContaining("phase 'ramp' untilFraction 0.4 overlaps the previous phase");
    }

    @Test
    void duplicateGateNamesPointAtTheDuplicate() {
        String yaml = MINIMAL + """
                  - name: lag
                    signal: batch.error.rate
                    redAbove: 0.5
                """;
        assertThatThrownBy(() -> PlanYaml.parse(yaml, registry))
                .hasMessageContaining("line 7").hasMessageContaining("duplicate gate name 'lag'");
    }

    @Test
    void rollbackHookOnAnIrreversiblePlanIsRejected() {
        String yaml = "name: m\nrollback: impossible\nonRollback:\n  hook: delete-copied-rows\n";
        assertThatThrownBy(() -> PlanYaml.parse(yaml, registry))
                .hasMessageContaining("line 4").hasMessageContaining("rollback is IMPOSSIBLE")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "text where a number belongs | yellowAbove: 5 | yellowAbove: five | line 5 | expected a number but found the text 'five'",
        "duration without unit | redAbove: 30 | redAbove: 30\\n    sampleInterval: 5 | line 7 | a duration needs a unit",
        "bad duration | redAbove: 30 | redAbove: 30\\n    sampleInterval: 5 sec | line 7 | '5 sec' is not a duration",
        "bad enum | redAbove: 30 | redAbove: 30\\n    onYellow: slow-down | line 7 | 'slow-down' is not one of throttle, pause",
        "fraction whole number | redAbove: 30 | redAbove: 30\\n    holdSamples: 2.5 | line 7 | expected a whole number",
        "zero hold | redAbove: 30 | redAbove: 30\\n    holdSamples: 0 | line 7 | holdSamples of gate 'lag' must be positive but was 0",
        "mixed directions | redAbove: 30 | redBelow: 1 | line 6 | gate 'lag' mixes directions",
        "gate is not a mapping | '  - name: lag' | '  - lag' | line 3 | a gate must be a mapping",
    })
    void typeAndValueErrorsNameLineAndProblem(String what, String from, String to, String line, String message) {
        String yaml = MINIMAL.replace(from, to.replace("\\n", "\n"));
        if (what.equals("gate is not a mapping")) {
            yaml = "name: m\ngates:\n  - lag\n";
        }
        String y = yaml;
        assertThatThrownBy(() -> PlanYaml.parse(y, registry))
                .as(what).isInstanceOf(PlanYamlException.class)
                .hasMessageContaining(line).hasMessageContaining(message);
    }

    @Test
    void syntaxErrorsAndDuplicateKeysNameTheLine() {
        assertThatThrownBy(() -> PlanYaml.parse("name: m\ngates: [\n", registry))
                .isInstanceOf(PlanYamlException.class).hasMessageContaining("invalid YAML");
        assertThatThrownBy(() -> PlanYaml.parse("name: m\nowner: a\nowner: b\n", registry))
                .hasMessageContaining("line 3").hasMessageContaining("duplicate key 'owner' (first at line 2)");
        assertThatThrownBy(() -> PlanYaml.parse("", registry)).hasMessageContaining("empty");
        assertThatThrownBy(() -> PlanYaml.parse("summary: x\n", registry))
                .hasMessageContaining("missing required key 'name'");
    }

    @Test
    void invariantNeedsARegisteredCheckAndOneCadence() {
        assertThatThrownBy(() -> PlanYaml.parse("name: m\ninvariants:\n  - name: nope\n    everyRows: 10\n",
                registry)).hasMessageContaining("line 3").hasMessageContaining("unknown invariant check 'nope'")
                .hasMessageContaining("email-checksum");
        assertThatThrownBy(() -> PlanYaml.parse("name: m\ninvariants:\n  - name: email-checksum\n    everyRows: 10\n"
                + "    everyBatches: 2\n", registry)).hasMessageContaining("needs exactly one cadence");
        MigrationPlan p = PlanYaml.parse("name: m\ninvariants:\n  - name: sample\n    check: email-checksum\n"
                + "    atPhaseEnds: true\n", registry);
        assertThat(p.invariants().get(0).check()).isSameAs(script.checksum);
        assertThat(p.invariants().get(0).cadence().toString()).isEqualTo("at phase ends");
    }

    @Test
    void enumsAndDurationsAcceptTheDocumentedSpellings() {
        MigrationPlan p = PlanYaml.parse("""
                name: m
                type: online-rewrite
                rollback: IMPOSSIBLE
                maintenanceWindow: 1h30m
                targetBatchTime: PT0.25S
                """, registry);
        assertThat(p.type()).isEqualTo(MigrationType.ONLINE_REWRITE);
        assertThat(p.rollback()).isEqualTo(RollbackComplexity.IMPOSSIBLE);
        assertThat(p.maintenanceWindow()).isEqualTo(Duration.ofMinutes(90));
        assertThat(p.targetBatchTime()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void writingAPlanWhoseHookIsNotRegisteredFails() {
        SignalRegistry bare = SignalRegistry.builder().signal(script.lagSignal, script.latency, script.disk)
                .invariant("email-checksum", script.checksum).build();
        assertThatThrownBy(() -> PlanYaml.toYaml(plan, bare))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rollback hook is not in the SignalRegistry");
    }

    @Test
    void registryRejectsDuplicateNames() {
        assertThatThrownBy(() -> SignalRegistry.builder().signal(Signals.batchErrorRate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate signal name 'batch.error.rate'");
    }

    @Test
    void aSteeringTargetSurvivesTheRoundTrip() {
        MigrationPlan steering = MigrationPlan.builder("steer").gate(Gate.builder("lag", script.lagSignal)
                .yellowAbove(5).redAbove(30).target(0.5).build()).build();
        String yaml = PlanYaml.toYaml(steering, registry);
        assertThat(yaml).contains("target: 0.5");
        assertThat(PlanYaml.parse(yaml, registry).gates().get(0).targetValue()).isEqualTo(0.5);
        assertThat(MigrationArtifacts.of(steering).runbook()).contains("the run paces itself to hold it near 0.5 s");
    }

    @Test
    void aTargetBeyondYellowIsRejectedAtItsGate() {
        String yaml = MINIMAL + "    target: 9\n";
        assertThatThrownBy(() -> PlanYaml.parse(yaml, registry)).isInstanceOf(PlanYamlException.class)
                .hasMessageContaining("line 3, column 5, at gates[0]").hasMessageContaining("target 9.0 must be above 0 and below the"
                        + " yellow threshold 5.0 for gate 'lag'");
    }
}
