package io.migobs.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static final Model SMALL = new Model(0.01, 300_000, 0.005, 20_000, 0.010, 1, 1, 5, 2.0, 30, 4.0, 86_400);

    @Test
    void lagGrowsAtMostOneSecondPerSecondAndIsZeroWhenTheReplicaKeepsUp() {
        Simulator sim = new Simulator(SMALL, Profile.constant("slow-replica", 500, 1e9, 0));
        double before = sim.lag();
        double beforeT = sim.seconds();
        double maxExcess = Double.NEGATIVE_INFINITY;
        for (int round = 0; round < 20; round++) {
            sim.batch(2_000); // commits far faster than the replica applies
            for (int i = 0; i < 100; i++) {
                sim.sleepNanos(SMALL.stepNanos());
                // growth minus elapsed time: never positive (beyond one step of grid rounding)
                maxExcess = Math.max(maxExcess, (sim.lag() - before) - (sim.seconds() - beforeT));
                before = sim.lag();
                beforeT = sim.seconds();
            }
        }
        assertThat(sim.aborted()).isFalse();
        assertThat(sim.lag()).isGreaterThan(10);
        assertThat(maxExcess).isLessThanOrEqualTo(SMALL.stepSeconds() + 1e-9);

        Simulator fast = new Simulator(SMALL, Profile.constant("fast-replica", 1e9, 1e9, 0));
        fast.batch(2_000);
        fast.sleepNanos(SMALL.stepNanos());
        assertThat(fast.lag()).isZero();
    }

    @Test
    void aBatchTakesOverheadPlusRowsOverTheEffectiveSpeed() {
        Simulator sim = new Simulator(SMALL, Profile.constant("p", 1e9, 10_000, 0.5));
        double d = sim.batch(1_000);
        // min(S, C (1 - rho)) = 5,000 rows/s
        assertThat(d).isCloseTo(0.005 + 1_000 / 5_000.0, within(1e-12));
        assertThat(sim.seconds()).isCloseTo(d, within(1e-9));
    }

    @Test
    void crossingARedLineAbortsTheRun() {
        Simulator sim = new Simulator(SMALL, Profile.constant("tiny-primary", 1e9, 5_000, 0.5));
        while (!sim.stopped()) {
            sim.batch(Math.min(1_000, sim.remainingRows()));
        }
        assertThat(sim.aborted()).isTrue();
        assertThat(sim.abortReason()).contains("inflation").contains("red line");
        assertThat(sim.result("x").aborted()).isTrue();
    }

    @Test
    void samplesAreTakenOnTheGridAndHeldBetween() {
        Simulator sim = new Simulator(SMALL, Profile.constant("p", 100, 1e9, 0));
        sim.batch(1_000);
        sim.sleep(0.5);
        assertThat(sim.sampledLag()).isZero(); // no sample since t=0
        sim.sleep(0.6);
        assertThat(sim.sampleNanos()).isEqualTo(1_000_000_000L);
        assertThat(sim.sampledLag()).isPositive();
    }

    @Test
    void batchesOutsideTheRemainingRowsAreRejected() {
        Simulator sim = new Simulator(SMALL, Profile.constant("p", 1e9, 1e9, 0));
        assertThatThrownBy(() -> sim.batch(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch of 0 rows");
        assertThatThrownBy(() -> sim.batch(300_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 300000]");
    }

    @Test
    void twoRunsGiveIdenticalOutput() throws Exception {
        Profile p = Profile.parse("mixed", List.of(Profile.HEADER, "0,6000,30000,0.3", "20,2500,30000,0.3",
                "40,6000,30000,0.55", "60,6000,30000,0.3"));
        List<Result> a = Bench.run(SMALL, p, Bench.allStrategies());
        List<Result> b = Bench.run(SMALL, p, Bench.allStrategies());
        assertThat(a).extracting(Result::strategy).containsExactly("oracle", "ghost", "ptosc", "migobs");
        assertThat(b).isEqualTo(a);
        assertThat(Bench.table(b)).isEqualTo(Bench.table(a));
    }

    @Test
    void theCommandPrintsOneResultLinePerStrategyInTheSpecifiedFormat() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("steady", ".csv");
        java.nio.file.Files.write(f, List.of(Profile.HEADER, "0,8000,30000,0.4"));
        String first = simulate("--profile", f.toString(), "--rows", "200000");
        String second = simulate("--profile", f.toString(), "--rows", "200000");
        assertThat(second).isEqualTo(first);
        List<String> results = first.lines().filter(l -> l.startsWith("RESULT ")).toList();
        assertThat(results).hasSize(4);
        String name = f.getFileName().toString().replace(".csv", "");
        assertThat(results.get(0)).matches("RESULT profile=" + name + " strategy=oracle time_s=[0-9.]+ oracle_s=[0-9.]+"
                + " ratio=1\\.0000 lag_slo_violation_s=[0-9.]+ max_lag_s=[0-9.]+ inflation_p99=[0-9.]+"
                + " inflation_slo_violation_s=[0-9.]+ aborted=false survivable=true");
        assertThat(results.get(3)).contains("strategy=migobs");
        java.nio.file.Files.delete(f);
    }

    @Test
    void theTraceShowsTheRunOncePerSimulatedSecondWithItsProgress() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("steady", ".csv");
        java.nio.file.Files.write(f, List.of(Profile.HEADER, "0,8000,30000,0.4"));
        String out = simulate("--profile", f.toString(), "--rows", "100000", "--strategies", "migobs", "--trace",
                "true");
        java.nio.file.Files.delete(f);
        List<String> trace = out.lines().filter(l -> l.startsWith("TRACE ")).toList();
        assertThat(trace).hasSizeGreaterThan(5).allMatch(l -> l.matches("TRACE t=[0-9.]+ lag=[0-9.]+ infl=[0-9.]+"
                + " s_lag=[0-9.]+ s_infl=[0-9.]+ rate_limit=[0-9]+ batch=[0-9]+ state=[A-Z]+ rows_done=[0-9]+"));
        double lastT = -1;
        long lastRows = -1;
        for (String l : trace) {
            double t = Double.parseDouble(l.replaceAll(".* t=([0-9.]+) .*", "$1"));
            long rows = Long.parseLong(l.replaceAll(".* rows_done=([0-9]+)$", "$1"));
            assertThat(t).as("one line per simulated second: %s", l).isGreaterThanOrEqualTo(lastT + 1);
            assertThat(rows).as("progress never goes back: %s", l).isGreaterThanOrEqualTo(lastRows)
                    .isLessThan(100_000);
            lastT = t;
            lastRows = rows;
        }
        assertThat(lastRows).as("the run moved").isGreaterThan(0);
    }

    @Test
    void aLagGateReadFourTimesASecondSeesAStallSoonerThanTheRecommendedOne() throws Exception {
        // signals sampled four times a second; the replica falls to a tenth of its speed for 30 s. Read as often,
        // the lag gate sees the stall sooner and the run commits less that the slowed replica must then apply
        java.nio.file.Path f = java.nio.file.Files.createTempFile("stall", ".csv");
        java.nio.file.Files.write(f, List.of(Profile.HEADER, "0,6000,100000,0.2", "20,600,100000,0.2",
                "50,6000,100000,0.2"));
        String recommended = simulate("--profile", f.toString(), "--rows", "400000", "--strategies", "migobs",
                "--sample-s", "0.25");
        String fast = simulate("--profile", f.toString(), "--rows", "400000", "--strategies", "migobs",
                "--sample-s", "0.25", "--lag-interval-s", "0.25");
        java.nio.file.Files.delete(f);
        assertThat(fast).contains("migobs: lag gate read every 0.25 s");
        assertThat(result(recommended)).contains("aborted=false");
        assertThat(result(fast)).contains("aborted=false");
        assertThat(field(result(fast), "lag_slo_violation_s"))
                .isLessThan(field(result(recommended), "lag_slo_violation_s") * 0.75);
    }

    private static String result(String out) {
        return out.lines().filter(l -> l.startsWith("RESULT ") && l.contains(" strategy=migobs ")).findFirst()
                .orElseThrow();
    }

    private static double field(String result, String name) {
        return Double.parseDouble(result.replaceAll(".* " + name + "=([0-9.]+) .*", "$1"));
    }

    @Test
    void badFlagsAreUsageErrors() throws Exception {
        assertThat(SimulateCommand.run(new String[] {"--rows", "many"}, new PrintStream(new ByteArrayOutputStream())))
                .isEqualTo(2);
        assertThat(SimulateCommand.run(new String[] {"--step-s", "-1"},
                new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
        assertThat(SimulateCommand.run(new String[] {"--strategies", "turbo"},
                new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
        assertThat(SimulateCommand.run(new String[] {"--lag-interval-s", "1.5"},
                new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
        assertThat(SimulateCommand.run(new String[] {"--lag-interval-s", "0"},
                new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
    }

    private static String simulate(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = SimulateCommand.run(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return buf.toString(StandardCharsets.UTF_8);
    }
}
