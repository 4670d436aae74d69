package io.migobs.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverheadCommandTest {

    /** Runs {@code overhead} on an in-memory H2 database in batches of 500 and returns what it printed (exit 0). */
    private static String overheadOnH2(String name, int rows, int rounds, String... more) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("--db", "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
                "--rows", String.valueOf(rows), "--batch", "500", "--rounds", String.valueOf(rounds),
                "--table", name + "_items"));
        args.addAll(List.of(more));
        int code = OverheadCommand.run(args.toArray(String[]::new), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        return out;
    }

    @Test
    void runsTheThreeVariantsOnH2AndPrintsTheirMediansAndRatios() throws Exception {
        String out = overheadOnH2("overhead_test", 3000, 2);
        List<String> lines = out.lines().filter(l -> l.startsWith("OVERHEAD ")).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("OVERHEAD db=h2@mem variant=bare median_s=");
        assertThat(lines.get(1)).contains("variant=migobs ").contains(" ratio=").contains(" paired_ratio=")
                .contains(" cpu_paired_ratio=").contains(" cpu_extra_us_per_batch=");
        assertThat(lines.get(2)).contains("variant=migobs+checkpoint ").contains(" ratio=");
        // the bare loop allocates per batch (its statements, the driver's rows); each variant's extra is reported
        assertThat(Double.parseDouble(field(lines.get(0), "alloc_per_batch_bytes"))).isPositive();
        assertThat(field(lines.get(1), "alloc_extra_bytes_per_batch")).matches("-?[0-9]+");
        assertThat(field(lines.get(2), "alloc_extra_bytes_per_batch")).matches("-?[0-9]+");
        // one counted round: no confidence interval can be given for a median of one ratio
        assertThat(lines.get(1)).contains(" paired_ci95=n/a").contains(" cpu_paired_ci95=n/a")
                .contains(" client_bound_ci95=n/a").contains(" process_cpu_extra_us_per_batch=");
        // a number, of either sign: on H2 the database's CPU is the process's too, so the variant's extra process
        // CPU over a 3,000-row round is noise that can exceed the bare run's wall time (it read -0.18 once)
        assertThat(field(lines.get(1), "client_bound_ratio")).matches("-?[0-9]+\\.[0-9]+");
        assertThat(out).doesNotContain("jdbc:h2").doesNotContain("DB_CLOSE_DELAY");
    }

    @Test
    void skipCheckpointRunsTheBareLoopAgainstTheRunWithoutCheckpointOnly() throws Exception {
        String out = overheadOnH2("overhead_skip", 2000, 3, "--skip-checkpoint");
        assertThat(out).contains("checkpoint=skipped");
        List<String> lines = out.lines().filter(l -> l.startsWith("OVERHEAD ")).toList();
        assertThat(lines).as(out).hasSize(2);
        assertThat(lines.get(1)).contains("variant=migobs ").contains(" paired_ratio=");
        List<String> rounds = out.lines().filter(l -> l.startsWith("round ")).toList();
        assertThat(rounds).hasSize(3).allSatisfy(l -> assertThat(l).contains(" bare=").contains(" migobs=")
                .doesNotContain("checkpoint"));
    }

    private static String field(String line, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" " + name + "=(\\S+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m.group(1);
    }

    @Test
    void sevenTimedRoundsGiveAnIntervalAroundThePairedMedian() throws Exception {
        String out = overheadOnH2("overhead_ci", 2000, 8);
        List<String> variants = out.lines().filter(l -> l.startsWith("OVERHEAD ") && l.contains("paired")).toList();
        assertThat(variants).as(out).hasSize(2);
        for (String line : variants) {
            for (String estimate : List.of("paired", "cpu_paired", "client_bound")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(" " + estimate
                        + "_ratio=(-?[0-9.]+) " + estimate + "_ci95=(-?[0-9.]+)\\.\\.(-?[0-9.]+)").matcher(line);
                assertThat(m.find()).as(estimate + " in " + line).isTrue();
                double median = Double.parseDouble(m.group(1));
                // 7 ratios: the interval is [x(1), x(7)], the smallest and the largest, around the median x(4)
                assertThat(Double.parseDouble(m.group(2))).as(line).isLessThanOrEqualTo(median);
                assertThat(Double.parseDouble(m.group(3))).as(line).isGreaterThanOrEqualTo(median);
            }
            assertThat(Double.parseDouble(field(line, "paired_ci95").split("\\.\\.")[0])).as(line).isPositive();
        }
    }

    @Test
    void theClientBoundAddsTheVariantsExtraProcessCpuToTheBareRunsWallTime() {
        // per run: wall s, calling thread's CPU s, bytes allocated, process CPU s; six rounds whose wall times swing
        // with the server (the variant's up to 1.5x the bare run's) while the process spends 0.01-0.06 s more
        List<double[]> bare = new java.util.ArrayList<>();
        List<double[]> variant = new java.util.ArrayList<>();
        double[] extra = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06};
        double[] swing = {0.9, 1.5, 1.0, 1.2, 0.8, 1.1};
        for (int i = 0; i < 6; i++) {
            bare.add(new double[] {2.0, 0.1, 1000, 0.5});
            variant.add(new double[] {2.0 * swing[i], 0.11, 1100, 0.5 + extra[i]});
        }
        String out = OverheadCommand.paired(bare, variant);
        // (2.0 + extra) / 2.0 for extra 0.01..0.06: 1.005..1.030, median 1.0175; six values give [x(1), x(6)]
        assertThat(out).contains("client_bound_ratio=1.0175 client_bound_ci95=1.0050..1.0300");
        // the wall-time ratios are the swings: median of 0.8..1.5 is (1.0 + 1.1) / 2
        assertThat(out).contains("paired_ratio=1.0500 paired_ci95=0.8000..1.5000");
        assertThat(out).contains("cpu_paired_ratio=1.1000 cpu_paired_ci95=1.1000..1.1000");
    }

    @Test
    void theMediansConfidenceIntervalUsesTheBinomialOrderStatistics() {
        // the sign test's ranks: n = 6 gives [x(1), x(6)] at 96.9%; n = 10 gives [x(2), x(9)] at 97.9%; n = 20 gives
        // [x(6), x(15)] at 95.9%; n = 100 gives [x(40), x(61)] at 96.5%
        assertThat(OverheadCommand.medianConfidenceRank(5)).isZero();
        assertThat(OverheadCommand.medianConfidenceRank(6)).isEqualTo(1);
        assertThat(OverheadCommand.medianConfidenceRank(10)).isEqualTo(2);
        assertThat(OverheadCommand.medianConfidenceRank(20)).isEqualTo(6);
        assertThat(OverheadCommand.medianConfidenceRank(100)).isEqualTo(40);
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
        assertThat(OverheadCommand.run(new String[] {"--db", "jdbc:h2:mem:x", "--rows", "10", "--unlogged"}, sink))
                .as("UNLOGGED tables are PostgreSQL's").isEqualTo(2);
    }
}
