package io.migobs.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileTest {

    @Test
    void rowsHoldUntilTheNextAndTheLastHoldsForever() {
        Profile p = Profile.parse("p", List.of("# comment", Profile.HEADER, "0,100,1000,0.1", "", "10.5,200,2000,0.2"));
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.replica(p.indexAt(0))).isEqualTo(100);
        assertThat(p.replica(p.indexAt(10_499_999_999L))).isEqualTo(100);
        assertThat(p.capacity(p.indexAt(10_500_000_000L))).isEqualTo(2000);
        assertThat(p.load(p.indexAt(Long.MAX_VALUE / 2))).isEqualTo(0.2);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "t,r,c,l|line 1: expected header",
        "HEADER;0,100,1000|line 2: expected 4 fields but found 3",
        "HEADER;5,100,1000,0.1|line 2: the first row must start at t_s 0, not 5",
        "HEADER;0,100,1000,0.1;0,100,1000,0.1|line 3: t_s 0 must be after the previous row's t_s",
        "HEADER;0,100,1000,0.1;10,0,1000,0.1|line 3: replica_apply_rows_s 0 must be > 0",
        "HEADER;0,100,-5,0.1|line 2: primary_capacity_rows_s -5 must be > 0",
        "HEADER;0,100,1000,0.96|line 2: prod_load 0.96 must be within [0, 0.95]",
        "HEADER;0,100,1000,-0.1|line 2: prod_load -0.1 must be within [0, 0.95]",
        "HEADER;0,abc,1000,0.1|line 2: replica_apply_rows_s 'abc' is not a number",
        "HEADER;0,NaN,1000,0.1|line 2: replica_apply_rows_s 'NaN' is not finite",
        "HEADER;-1,100,1000,0.1|line 2: t_s -1 must not be negative",
        "HEADER|line 1: profile has a header but no rows",
    })
    void badProfilesAreRejectedWithTheLineAndTheReason(String content, String message) {
        List<String> lines = List.of(content.replace("HEADER", Profile.HEADER).split(";"));
        assertThatThrownBy(() -> Profile.parse("bad", lines)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void aFileNamesItselfAndItsLineWhenRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("spiky.csv");
        Files.write(f, List.of("# a comment", Profile.HEADER, "0,100,1000,0.1", "10,100,1000,1.5"));
        assertThatThrownBy(() -> Profile.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": line 4: prod_load 1.5 must be within [0, 0.95]");
        Files.write(f, List.of(Profile.HEADER, "0,100,1000,0.1"));
        assertThat(Profile.load(f).name()).isEqualTo("spiky");
    }

    @Test
    void theShippedProfilesLoad() throws Exception {
        try (var files = Files.list(Path.of("profiles"))) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
            assertThat(all).extracting(f -> f.getFileName().toString())
                    .contains("steady.csv", "lag-spike.csv", "load-spike.csv", "daily-cycle.csv");
            for (Path f : all) {
                assertThat(Profile.load(f).size()).isPositive();
            }
        }
    }
}
