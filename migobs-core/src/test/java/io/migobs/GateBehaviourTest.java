package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Gate state machine, table-driven through the public API: one sample per batch (gate interval 1 s, each batch
 * takes 1 s on the manual clock); the state is read after each sample.
 */
class GateBehaviourTest {

    /** Plays the values; returns the gate state after each sample (stops when the run ends). */
    static List<String> play(Gate.Builder gate, ScriptedSignal signal, double... values) {
        signal.values(values);
        ManualTimeSource time = new ManualTimeSource();
        MigrationPlan plan = MigrationPlan.builder("gates").totalRows(1_000_000).batchSize(10, 10, 10)
                .gate(gate.build()).build();
        List<String> states = new ArrayList<>();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).start()) {
            for (int i = 0; i < values.length; i++) {
                boolean more = run.hasNext();
                states.add(abbrev(run.progress().gates().get("g")));
                if (!more) {
                    states.add("END:" + run.state());
                    break;
                }
                Batch b = run.nextBatch();
                time.advance(Duration.ofSeconds(1));
                b.complete(b.size());
            }
        }
        return states;
    }

    private static String abbrev(GateState s) {
        return s.name().substring(0, 1);
    }

    private static double[] parse(String csv) {
        return Arrays.stream(csv.trim().split("\\s+")).mapToDouble(v -> switch (v) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            default -> Double.parseDouble(v);
        }).toArray();
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        stays green below yellow                    | 1 2 3 4                   | G G G G
        yellow needs the hold window                | 6 6 6 6                   | G G Y Y
        an interruption restarts the hold           | 6 6 1 6 6 6               | G G G G G Y
        a red value is at least yellow at once      | 40 1                      | Y Y
        red needs the hold window, then aborts      | 40 40 40 1                | Y Y R END:ABORTED
        red-level samples count toward yellow too   | 6 40 6                    | G Y Y
        recovery needs recoverSamples green samples | 6 6 6 1 1 1               | G G Y Y Y G
        recovery restarts when yellow comes back    | 6 6 6 1 1 6 1 1 1         | G G Y Y Y Y Y Y G
        exactly at the threshold is not above       | 5 5 5 30 30 30            | G G G G G Y
        NaN is unknown, never green                 | nan 1 1 1                 | U Y Y G
        infinity is unknown                         | inf                       | U
        a negative reading is unknown               | -1 -1 -1 -1               | U U U U
        unknown for a long time stays unknown       | nan nan nan nan nan       | U U U U U
        """)
    void aboveGateFollowsItsTable(String description, String values, String expected) {
        ScriptedSignal s = ScriptedSignal.named("lag", "seconds");
        Gate.Builder g = Gate.builder("g", s).yellowAbove(5).redAbove(30).holdSamples(3).recoverSamples(3);
        assertThat(play(g, s, parse(values))).as(description).containsExactly(expected.trim().split("\\s+"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        high is fine                    | 0.9 0.8                | G G
        low turns yellow after hold     | 0.15 0.15              | G Y
        very low turns red after hold   | 0.01 0.01 0.5          | Y R END:ABORTED
        """)
    void belowGateMirrorsTheRules(String description, String values, String expected) {
        ScriptedSignal s = ScriptedSignal.named("free", "ratio");
        Gate.Builder g = Gate.builder("g", s).yellowBelow(0.2).redBelow(0.05).holdSamples(2).recoverSamples(2);
        assertThat(play(g, s, parse(values))).as(description).containsExactly(expected.trim().split("\\s+"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        unknown counts toward red              | nan nan nan 1         | U U R END:ABORTED
        a valid sample resets the red count    | nan nan 1 nan nan 1   | U U Y U U Y
        """)
    void unknownTreatedAsRedAbortsAfterTheHold(String description, String values, String expected) {
        ScriptedSignal s = ScriptedSignal.named("lag", "seconds");
        Gate.Builder g = Gate.builder("g", s).yellowAbove(5).redAbove(30).holdSamples(3)
                .whenUnknown(Gate.UnknownPolicy.TREAT_AS_RED);
        assertThat(play(g, s, parse(values))).as(description).containsExactly(expected.trim().split("\\s+"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        negative values are valid when allowed | -3 -3 -3 -3      | G G G G
        """)
    void negativeValuesCanBeAllowed(String description, String values, String expected) {
        ScriptedSignal s = ScriptedSignal.named("delta", "rows");
        Gate.Builder g = Gate.builder("g", s).yellowAbove(5).allowNegative();
        assertThat(play(g, s, parse(values))).as(description).containsExactly(expected.trim().split("\\s+"));
    }
}
