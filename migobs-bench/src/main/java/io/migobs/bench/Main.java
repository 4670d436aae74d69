package io.migobs.bench;

import io.migobs.bench.sim.SimulateCommand;
import java.util.Arrays;

/**
 * The benchmark jar's entry point: {@code simulate}, {@code jmh} or {@code overhead}.
 */
public final class Main {
    private Main() {
    }

    /**
     * Dispatches to a subcommand.
     *
     * @param args the subcommand and its arguments
     * @throws Exception if the subcommand fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int code;
        switch (args[0]) {
            case "simulate" -> code = SimulateCommand.run(rest, System.out);
            case "jmh" -> {
                org.openjdk.jmh.Main.main(rest);
                code = 0;
            }
            case "overhead" -> code = io.migobs.bench.overhead.OverheadCommand.run(rest, System.out);
            default -> {
                usage();
                code = 2;
            }
        }
        System.exit(code);
    }

    private static void usage() {
        System.err.println("usage: java -jar migobs-bench.jar simulate|jmh|overhead [options]\n"
                + "  simulate  the deterministic controller benchmark (simulate --help)\n"
                + "  jmh       JMH microbenchmarks of the run's bookkeeping (JMH options, e.g. -prof gc)\n"
                + "  overhead  end-to-end overhead: overhead --db JDBC_URL --rows N");
    }
}
