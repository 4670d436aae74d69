package io.migobs.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverheadCommandTest {

    @Test
    void runsTheThreeVariantsOnH2AndPrintsTheirMediansAndRatios() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = OverheadCommand.run(new String[] {"--db", "jdbc:h2:mem:overhead_test;DB_CLOSE_DELAY=-1",
            "--rows", "3000", "--batch", "500", "--rounds", "2", "--table", "overhead_test_items"},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        List<String> lines = out.lines().filter(l -> l.startsWith("OVERHEAD ")).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("OVERHEAD db=h2@mem variant=bare median_s=");
        assertThat(lines.get(1)).contains("variant=migobs ").contains(" ratio=");
        assertThat(lines.get(2)).contains("variant=migobs+checkpoint ").contains(" ratio=");
        assertThat(out).doesNotContain("jdbc:h2").doesNotContain("DB_CLOSE_DELAY");
    }

    @Test
    void describesTheDatabaseWithoutTheUrlOrCredentials() {
        assertThat(OverheadCommand.describe("jdbc:postgresql://alice:secret@db.example:5432/test?password=x"))
                .isEqualTo("postgresql@db.example:5432");
        assertThat(OverheadCommand.describe("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1")).isEqualTo("h2@mem");
    }

    @Test
    void missingOrBadArgumentsAreUsageErrors() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertThat(OverheadCommand.run(new String[] {"--rows", "10"}, sink)).isEqualTo(2);
        assertThat(OverheadCommand.run(new String[] {"--db", "jdbc:h2:mem:x", "--rows", "ten"}, sink)).isEqualTo(2);
        assertThat(OverheadCommand.run(new String[] {"--db", "jdbc:h2:mem:x", "--rows", "10", "--table", "x;drop"},
                sink)).isEqualTo(2);
        assertThat(OverheadCommand.run(new String[] {"--db", "jdbc:h2:mem:x", "--rows", "10", "--rounds", "1"},
                sink)).isEqualTo(2);
    }
}
