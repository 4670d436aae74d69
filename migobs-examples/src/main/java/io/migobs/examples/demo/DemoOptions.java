package io.migobs.examples.demo;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The demo's command-line flags, validated. Immutable.
 *
 * @param rows rows in the demo table (default 200,000)
 * @param db JDBC URL of the database holding the table (default: an embedded H2 file under {@code out})
 * @param out output directory for the database file and the generated documents (default {@code ./migobs-out})
 * @param replica JDBC URL of a real PostgreSQL replica whose lag gates the run, or null for the simulated lag
 * @param scenario what the simulated load does
 * @param metricsPort port serving Prometheus metrics at {@code /metrics}, or 0 for none
 * @param rate the cap on rows per second; 0 for none; negative for the default (rows ÷ 45, so the run takes about a
 *        minute and the spike is visible)
 * @param tty whether to redraw the progress bar in place (ANSI); null to detect ({@code System.console() != null})
 */
public record DemoOptions(long rows, String db, Path out, String replica, Scenario scenario, int metricsPort,
        double rate, Boolean tty) {

    /** Default table size. */
    public static final long DEFAULT_ROWS = 200_000;

    /** What the simulated load does during the run. */
    public enum Scenario {
        /** A load spike mid-run: the lag goes yellow, the run throttles, recovers and grows back (default). */
        SPIKE,
        /** The lag climbs past the red threshold mid-run: the run aborts (exit code 2). */
        RED,
        /** No load: the run goes straight through. */
        NONE
    }

    /** The usage text. */
    public static final String USAGE = String.join("\n",
            "usage: java -jar migobs-examples.jar demo [flags]",
            "  --rows N             rows in the demo table (default 200000)",
            "  --db JDBC_URL        database holding the table (default: embedded H2 file under --out;"
                    + " credentials in the URL or MIGOBS_DB_USER/MIGOBS_DB_PASSWORD)",
            "  --out DIR            output directory: database file and generated documents (default ./migobs-out)",
            "  --replica JDBC_URL   a real PostgreSQL replica: gate on its replay lag instead of the simulated one",
            "                       (credentials in the URL or MIGOBS_REPLICA_USER/MIGOBS_REPLICA_PASSWORD)",
            "  --scenario S         spike (default) | red (a gate goes red: abort, exit 2) | none",
            "  --metrics-port N     serve Prometheus metrics on http://127.0.0.1:N/metrics while it runs",
            "  --rate N             cap rows per second (default rows/45 so the run takes about a minute; 0 = none)",
            "  --plain | --tty      force plain progress lines or the in-place ANSI view (default: detect)",
            "exit codes: 0 completed with every invariant passing, 2 a gate or invariant aborted it, 1 error",
            "resumable: interrupt it at any moment and run the same command again");

    /**
     * Parses the flags.
     *
     * @param args the arguments after {@code demo}
     * @return the options
     * @throws IllegalArgumentException naming the flag and the value when one is wrong
     */
    public static DemoOptions parse(String... args) {
        long rows = DEFAULT_ROWS;
        String db = null;
        Path out = Path.of("migobs-out");
        String replica = null;
        Scenario scenario = Scenario.SPIKE;
        int port = 0;
        double rate = -1;
        Boolean tty = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--plain" -> tty = false;
                case "--tty" -> tty = true;
                case "--rows", "--db", "--out", "--replica", "--scenario", "--metrics-port", "--rate" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("flag " + a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--rows" -> rows = number(a, v, 1000, 100_000_000);
                        case "--db" -> db = v;
                        case "--out" -> out = Path.of(v);
                        case "--replica" -> replica = v;
                        case "--scenario" -> scenario = scenario(v);
                        case "--metrics-port" -> port = (int) number(a, v, 1, 65_535);
                        default -> rate = number(a, v, 0, 10_000_000);
                    }
                }
                default -> throw new IllegalArgumentException("unknown flag '" + a + "'");
            }
        }
        if (db != null && !db.startsWith("jdbc:")) {
            throw new IllegalArgumentException("--db '" + db + "' is not a JDBC URL (jdbc:...)");
        }
        if (replica != null && !replica.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--replica must be a PostgreSQL JDBC URL (jdbc:postgresql://...), got '"
                    + replica.split("[?;]")[0] + "'");
        }
        return new DemoOptions(rows, db, out, replica, scenario, port, rate, tty);
    }

    private static long number(String flag, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flag " + flag + " needs a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("flag " + flag + " must be within [" + min + ", " + max + "], got " + n);
        }
        return n;
    }

    private static Scenario scenario(String v) {
        try {
            return Scenario.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scenario must be spike, red or none, got '" + v + "'");
        }
    }

    /** @return the JDBC URL of the database: --db, or the embedded H2 file under the output directory */
    public String dbUrl() {
        if (db != null) {
            return db;
        }
        return "jdbc:h2:file:" + out.toAbsolutePath().resolve("demo-db").toString().replace('\\', '/')
                // WRITE_DELAY=0: every commit is written at once, so a kill -9 loses no committed batch and never
                // leaves a batch's rows without its checkpoint (with H2's default delay it did, in our kill tests)
                + ";DB_CLOSE_DELAY=-1;WRITE_DELAY=0";
    }

    /** @return the rows-per-second cap in force: 0 for none */
    public double effectiveRate() {
        if (rate >= 0) {
            return rate;
        }
        return Math.max(200, Math.round(rows / 45.0));
    }

    /** @return whether the view redraws in place */
    public boolean interactive() {
        return tty != null ? tty : System.console() != null;
    }
}
