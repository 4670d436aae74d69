package io.migobs.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzed profile files (mutations of the shipped ones) never produce an unexpected exception: either the profile
 * parses, or an {@link IllegalArgumentException} names the line and the reason.
 */
class ProfileFuzzProperties {

    record Mutation(int kind, int line, int field, String token) {
    }

    private static List<String> shipped() {
        Path dir = Path.of("profiles");
        try {
            return Files.readAllLines(dir.resolve("lag-spike.csv"));
        } catch (IOException e) {
            throw new IllegalStateException("run from the migobs-bench module directory", e);
        }
    }

    @Property(tries = 500)
    void mutatedProfilesParseOrFailNamingTheLine(@ForAll("mutations") List<Mutation> mutations) {
        List<String> lines = new ArrayList<>(shipped());
        for (Mutation m : mutations) {
            if (lines.isEmpty()) {
                break;
            }
            int i = m.line() % lines.size();
            String l = lines.get(i);
            String[] f = l.split(",", -1);
            switch (m.kind()) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, l);
                case 2 -> {
                    f[m.field() % f.length] = m.token();
                    lines.set(i, String.join(",", f));
                }
                case 3 -> lines.set(i, l + "," + m.token());
                case 4 -> lines.set(i, l.substring(0, l.length() / 2));
                default -> lines.add(i, m.token());
            }
        }
        Throwable t = catchThrowable(() -> Profile.parse("fuzz", lines));
        if (t != null) {
            assertThat(t).as("unexpected exception for %s", lines).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(t.getMessage()).as("names the line").matches("line \\d+: .+");
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<String> tokens = Arbitraries.oneOf(
                Arbitraries.of("", "-1", "0", "0.96", "NaN", "Infinity", "-Infinity", "1e400", "abc", " 5", "0x10",
                        "9223372036854775808", "1,2", "#", "t_s"),
                Arbitraries.strings().ofMaxLength(8));
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 3), tokens)
                .as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }
}
