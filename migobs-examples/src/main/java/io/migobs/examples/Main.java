package io.migobs.examples;

import io.migobs.examples.canary.CanaryCheck;
import io.migobs.examples.demo.Demo;
import io.migobs.examples.demo.DemoOptions;
import io.migobs.examples.jdbc.PlainJdbcBackfill;
import io.migobs.examples.springbatch.SpringBatchBackfill;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar migobs-examples.jar COMMAND [flags]}: {@code demo} (the default), {@code jdbc-backfill},
 * {@code spring-batch}, {@code canary}.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar migobs-examples.jar [demo|jdbc-backfill|spring-batch|canary] [flags]",
            "  demo           the live demo (default); --help for its flags",
            "  jdbc-backfill  the shortest complete program: a plain JDBC backfill (JDBC_URL optional)",
            "  spring-batch   a Spring Batch job whose chunk size follows the run; --partitions N for the partitioned job",
            "  canary         run only the canary phase against a database and print GO/NO-GO (exit 0 GO, 2 NO-GO)");

    private Main() {
    }

    /**
     * Runs a command and exits the JVM with its exit code.
     *
     * @param args the command and its flags
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command in this JVM.
     *
     * @param args the command and its flags
     * @param out standard output
     * @param err standard error
     * @return the exit code (0 success, 2 aborted / NO-GO, 1 error)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean implicit = args.length == 0 || args[0].startsWith("--");
        String command = implicit ? "demo" : args[0];
        String[] rest = implicit ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "demo":
                    if (Arrays.asList(rest).contains("--help")) {
                        out.println(DemoOptions.USAGE);
                        return 0;
                    }
                    return Demo.run(DemoOptions.parse(rest), out);
                case "jdbc-backfill":
                    return PlainJdbcBackfill.run(rest, out);
                case "spring-batch":
                    return SpringBatchBackfill.run(rest, out);
                case "canary":
                    return CanaryCheck.run(rest, out);
                case "help":
                    out.println(USAGE);
                    return 0;
                default:
                    err.println("unknown command '" + command + "'");
                    err.println(USAGE);
                    return 1;
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("error: " + e);
            return 1;
        }
    }
}
