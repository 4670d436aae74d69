package io.migobs.bench.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code simulate [--profile FILE]... [--strategies LIST] [model flags]}: runs the controller benchmark and prints the
 * table and one {@code RESULT} line per strategy and profile.
 */
public final class SimulateCommand {
    private static final String USAGE = String.join("\n",
            "usage: simulate [--profile FILE]... [--strategies oracle,ghost,ptosc,migobs] [model flags]",
            "  --profile FILE          a profile CSV (repeatable); default: every *.csv in migobs-bench/profiles",
            "                          or ./profiles",
            "model flags (defaults of SIMULATOR.md):",
            "  --rows N                rows to copy [5000000]",
            "  --step-s S              time step dt [0.01]",
            "  --overhead-s S          fixed cost of a batch [0.005]",
            "  --connection-rows-s R   write speed S of one connection [20000]",
            "  --base-latency-s S      production latency at zero load [0.010]",
            "  --sample-s S            signal sampling interval [1]",
            "  --window-s S            window of the write rate w [1]",
            "  --lag-slo-s S           lag SLO [5]",
            "  --inflation-slo X       latency-inflation SLO [2.0]",
            "  --lag-red-s S           lag red line [30]",
            "  --inflation-red X       latency-inflation red line [4.0]",
            "  --max-s S               simulated time limit per strategy [86400]",
            "  --trace true            print the migobs run's signals, pace and rows done once per simulated second",
            "migobs flags:",
            "  --lag-interval-s S      read the lag gate every S seconds, 0 < S <= 1 (a lag source fresher than the",
            "                          sample grid; pair with --sample-s) [the recommended plan: 1]");

    private SimulateCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code simulate}
     * @param out where the table and results go
     * @return the exit code: 0, or 2 on a usage error
     * @throws IOException if a profile cannot be read
     */
    public static int run(String[] args, PrintStream out) throws IOException {
        Model d = Model.DEFAULT;
        double step = d.stepSeconds();
        long rows = d.rows();
        double overhead = d.overheadSeconds();
        double conn = d.connectionRowsPerSecond();
        double base = d.baseLatencySeconds();
        double sample = d.sampleSeconds();
        double window = d.windowSeconds();
        double lagSlo = d.lagSloSeconds();
        double inflSlo = d.inflationSlo();
        double lagRed = d.lagRedSeconds();
        double inflRed = d.inflationRed();
        double max = d.maxSeconds();
        boolean trace = false;
        java.time.Duration lagInterval = null;
        List<Path> files = new ArrayList<>();
        List<String> names = List.of("oracle", "ghost", "ptosc", "migobs");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return 0;
            }
            if (i + 1 >= args.length) {
                System.err.println("missing value after " + a + "\n" + USAGE);
                return 2;
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--profile" -> files.add(Path.of(v));
                    case "--strategies" -> names = List.of(v.split(","));
                    case "--rows" -> rows = Long.parseLong(v);
                    case "--step-s" -> step = Double.parseDouble(v);
                    case "--overhead-s" -> overhead = Double.parseDouble(v);
                    case "--connection-rows-s" -> conn = Double.parseDouble(v);
                    case "--base-latency-s" -> base = Double.parseDouble(v);
                    case "--sample-s" -> sample = Double.parseDouble(v);
                    case "--window-s" -> window = Double.parseDouble(v);
                    case "--lag-slo-s" -> lagSlo = Double.parseDouble(v);
                    case "--inflation-slo" -> inflSlo = Double.parseDouble(v);
                    case "--lag-red-s" -> lagRed = Double.parseDouble(v);
                    case "--inflation-red" -> inflRed = Double.parseDouble(v);
                    case "--max-s" -> max = Double.parseDouble(v);
                    case "--trace" -> trace = Boolean.parseBoolean(v);
                    case "--lag-interval-s" -> {
                        double x = Double.parseDouble(v);
                        if (!(x > 0 && x <= 1)) {
                            System.err.println("--lag-interval-s " + v + " must be above 0 and at most 1");
                            return 2;
                        }
                        lagInterval = java.time.Duration.ofNanos(Math.round(x * 1e9));
                    }
                    default -> {
                        System.err.println("unknown option " + a + "\n" + USAGE);
                        return 2;
                    }
                }
            } catch (NumberFormatException e) {
                System.err.println(a + ": '" + v + "' is not a number");
                return 2;
            }
        }
        Model model;
        try {
            model = new Model(step, rows, overhead, conn, base, sample, window, lagSlo, inflSlo, lagRed, inflRed, max);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        List<Strategy> strategies = new ArrayList<>();
        for (String n : names) {
            if ((trace || lagInterval != null) && n.strip().equals("migobs")) {
                strategies.add(new MigobsStrategy(trace ? out : null, lagInterval));
                continue;
            }
            Strategy s = Bench.allStrategies().stream().filter(x -> x.name().equals(n.strip())).findFirst()
                    .orElse(null);
            if (s == null) {
                System.err.println("unknown strategy '" + n + "': expected oracle, ghost, ptosc or migobs");
                return 2;
            }
            strategies.add(s);
        }
        if (files.isEmpty()) {
            files = defaultProfiles();
            if (files.isEmpty()) {
                System.err.println("no --profile given and no migobs-bench/profiles or ./profiles directory\n"
                        + USAGE);
                return 2;
            }
        }
        List<Profile> profiles = new ArrayList<>();
        for (Path f : files) {
            try {
                profiles.add(Profile.load(f));
            } catch (IllegalArgumentException e) {
                System.err.println("bad profile " + e.getMessage());
                return 2;
            }
        }
        out.printf(Locale.ROOT, "model: rows=%d step_s=%s overhead_s=%s connection_rows_s=%s base_latency_s=%s"
                + " sample_s=%s window_s=%s lag_slo_s=%s inflation_slo=%s lag_red_s=%s inflation_red=%s%n%n",
                model.rows(), model.stepSeconds(), model.overheadSeconds(), model.connectionRowsPerSecond(),
                model.baseLatencySeconds(), model.sampleSeconds(), model.windowSeconds(), model.lagSloSeconds(),
                model.inflationSlo(), model.lagRedSeconds(), model.inflationRed());
        if (lagInterval != null) {
            out.printf(Locale.ROOT, "migobs: lag gate read every %s s (Recommended.replicaLagGate(lag, interval))%n%n",
                    lagInterval.toNanos() / 1e9);
        }
        List<Result> all = new ArrayList<>();
        for (Profile p : profiles) {
            List<Result> rs = Bench.run(model, p, strategies);
            out.print(Bench.table(rs));
            out.println();
            all.addAll(rs);
        }
        for (Result r : all) {
            out.println(r.resultLine());
        }
        return 0;
    }

    private static List<Path> defaultProfiles() throws IOException {
        for (String dir : new String[] {"migobs-bench/profiles", "profiles"}) {
            Path p = Path.of(dir);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    return s.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
                }
            }
        }
        return List.of();
    }
}
