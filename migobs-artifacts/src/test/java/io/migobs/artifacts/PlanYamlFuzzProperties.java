package io.migobs.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.migobs.MigrationPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Fuzzed YAML plans (mutations of the representative plan) never produce an unexpected exception: either the plan
 * loads or a {@link PlanYamlException} says where and what is wrong. Invalid thresholds are rejected naming the gate,
 * the value and the line.
 */
class PlanYamlFuzzProperties {
    private static final String GOLDEN = read();
    private final Fixtures.Script script = Fixtures.Script.green();
    private final SignalRegistry registry = Fixtures.registry(script);

    private static String read() {
        try (var in = Objects.requireNonNull(PlanYamlFuzzProperties.class.getResourceAsStream("/golden/plan.yml"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mutation: kind, line index, replacement token. */
    record Mutation(int kind, int line, String token) {
    }

    @Property(tries = 300)
    void mutatedPlansLoadOrFailWithALocatedPlanYamlException(@ForAll("mutations") List<Mutation> mutations) {
        List<String> lines = new ArrayList<>(List.of(GOLDEN.split("\n", -1)));
        for (Mutation m : mutations) {
            if (lines.isEmpty()) {
                break;
            }
            int i = m.line() % lines.size();
            String l = lines.get(i);
            switch (m.kind()) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, l);
                case 2 -> lines.set(i, l.contains(":") ? l.substring(0, l.indexOf(':') + 1) + " " + m.token() : m.token());
                case 3 -> lines.set(i, " " + l);
                case 4 -> lines.set(i, l.substring(0, l.length() / 2));
                default -> lines.add(i, m.token());
            }
        }
        String yaml = String.join("\n", lines);
        Throwable t = catchThrowable(() -> PlanYaml.parse(yaml, registry));
        if (t != null) {
            assertThat(t).as("unexpected exception for:%n%s", yaml).isInstanceOf(PlanYamlException.class);
            assertThat(t.getMessage()).as("located").matches("(?s).*(line \\d+|plan\\.yml|yaml).*");
        }
    }

    @Property(tries = 200)
    void yellowBeyondRedIsRejectedNamingTheGateTheValuesAndTheLine(@ForAll @IntRange(min = 30, max = 10_000) int yellow) {
        String yaml = GOLDEN.replaceFirst("yellowAbove: 5\n", "yellowAbove: " + yellow + "\n");
        Throwable t = catchThrowable(() -> PlanYaml.parse(yaml, registry));
        assertThat(t).isInstanceOf(PlanYamlException.class)
                .hasMessageContaining("line ")
                .hasMessageContaining("yellow threshold " + (double) yellow + " must be below red threshold 30.0"
                        + " for gate 'replica-lag'");
    }

    @Property(tries = 100)
    void theUnmutatedPlanAlwaysLoads(@ForAll @IntRange(min = 1, max = 3) int times) {
        MigrationPlan p = null;
        for (int i = 0; i < times; i++) {
            p = PlanYaml.parse(GOLDEN, registry);
        }
        assertThat(p.name()).isEqualTo("2026-11-customer-email-backfill");
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<String> tokens = Arbitraries.oneOf(
                Arbitraries.of("-1", "0", "1e400", "NaN", ".inf", "null", "~", "[]", "{}", "\"\"", "'", "- x",
                        "&a", "*a", "!!binary x", "5ms", "2h", "abc", "true", "9999999999999999999", ":", "#"),
                Arbitraries.strings().ofMaxLength(12));
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 200), tokens).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }
}
