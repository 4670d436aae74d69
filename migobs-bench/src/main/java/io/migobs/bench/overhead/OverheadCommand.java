package io.migobs.bench.overhead;

import java.io.PrintStream;

/** {@code overhead --db JDBC_URL --rows N}: placeholder until the end-to-end benchmark lands. */
public final class OverheadCommand {
    private OverheadCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args arguments
     * @param out output
     * @return exit code
     */
    public static int run(String[] args, PrintStream out) {
        System.err.println("overhead: not implemented yet");
        return 2;
    }
}
