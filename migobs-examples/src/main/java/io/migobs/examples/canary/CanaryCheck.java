package io.migobs.examples.canary;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.InvariantOutcome;
import io.migobs.MigrationPlan;
import io.migobs.Phase;
import io.migobs.RunReport;
import io.migobs.Signal;
import io.migobs.Signals;
import io.migobs.Verdict;
import io.migobs.examples.support.UrlDataSource;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.jdbc.JdbcChecksum;
import io.migobs.jdbc.signal.DatabaseSignals;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A library-driven canary for a deploy pipeline: runs only the canary phase of the backfill against a database
 * ({@code stopAfterPhase("canary")}), prints the go/no-go verdict with its evidence (every gate's reading and
 * thresholds, every invariant's result) and exits 0 for GO, 2 for NO-GO, 1 on error. The rows the canary did are
 * checkpointed: the full run resumes after them.
 *
 * <pre>
 * java -cp migobs-examples.jar io.migobs.examples.canary.CanaryCheck [--db JDBC_URL] [--replica PG_REPLICA_URL]
 *      [--simulated-lag SECONDS]
 * </pre>
 * Without {@code --db} it uses a sample in-memory table; without {@code --replica} the lag gate reads a constant
 * {@code --simulated-lag} (default 0.2 s; try 8 for a NO-GO).
 */
public final class CanaryCheck {
    /** Exit code for GO. */
    public static final int GO = 0;
    /** Exit code for NO-GO. */
    public static final int NO_GO = 2;
    /** Exit code on error. */
    public static final int ERROR = 1;

    private CanaryCheck() {
    }

    /**
     * Runs the canary and exits with its code.
     *
     * @param args the flags
     * @throws Exception on a database error
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the canary in this JVM.
     *
     * @param args the flags
     * @param out where the verdict goes
     * @return {@link #GO}, {@link #NO_GO} or {@link #ERROR}
     * @throws Exception on a database error
     */
    public static int run(String[] args, PrintStream out) throws Exception {
        String dbUrl = null;
        String replica = null;
        double simulatedLag = 0.2;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + flag + " needs a value");
            }
            String v = args[++i];
            switch (flag) {
                case "--db" -> dbUrl = v;
                case "--replica" -> replica = v;
                case "--simulated-lag" -> simulatedLag = Double.parseDouble(v);
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            }
        }
        DataSource db = dbUrl != null ? UrlDataSource.fromEnv(dbUrl, "MIGOBS_DB") : sampleDatabase(10_000);
        double lagValue = simulatedLag;
        Signal lag = replica != null
                ? DatabaseSignals.on(UrlDataSource.fromEnv(replica, "MIGOBS_REPLICA")).postgresReplayLagOnReplica()
                : Signals.of("replica.lag", Signals.SECONDS, "simulated constant (--simulated-lag)", () -> lagValue);

        JdbcBackfill backfill = JdbcBackfill.builder(db, "customers").keyColumns("id")
                .statement("UPDATE customers SET email_normalized = LOWER(TRIM(email)) WHERE {range}").build();
        MigrationPlan plan = MigrationPlan.builder("customers-email-canary")
                .totalRows(backfill.countRows())
                .phase(Phase.builder("canary").rows(500).maxBatchSize(100).build())
                .phase(Phase.builder("full").build())
                .gate(Gate.builder("replica.lag", lag).yellowAbove(5).redAbove(30)
                        .sampleInterval(Duration.ofMillis(200)).build())
                .gate(Gate.builder("batch.error.rate", Signals.batchErrorRate()).yellowAbove(0.01).redAbove(0.05)
                        .sampleInterval(Duration.ofMillis(200)).build())
                .invariant("email-normalized", Cadence.atPhaseEnds(), JdbcChecksum.builder(db, "customers")
                        .keyColumns("id").sourceExpressions("LOWER(TRIM(email))")
                        .target(db, "customers").targetColumns("email_normalized").build())
                .build();

        RunReport report = backfill.run(plan,
                run -> run.meterRegistry(new SimpleMeterRegistry()).stopAfterPhase("canary"));

        Verdict v = report.verdict();
        if (v == null) {
            out.println("NO-GO: the canary did not finish: " + report.state() + " (" + report.reason() + ")");
            return NO_GO;
        }
        out.println((v.go() ? "GO" : "NO-GO") + " after the canary (" + report.rowsProcessed() + " rows): "
                + v.summary());
        for (Verdict.GateReading g : v.gates()) {
            out.printf(Locale.ROOT, "  gate %-18s %-7s value %s %s (yellow > %s, red > %s): %s%n", g.gate(),
                    g.state(), g.value(), g.unit(), g.yellow(), g.red(), g.detail());
        }
        for (InvariantOutcome o : v.invariants()) {
            out.printf(Locale.ROOT, "  invariant %-13s %s, %d rows compared: %s%n", o.invariant(),
                    o.result().passed() ? "passed" : "FAILED", o.result().rowsSampled(), o.result().message());
        }
        return v.go() ? GO : NO_GO;
    }

    private static DataSource sampleDatabase(int rows) throws SQLException {
        DataSource db = new UrlDataSource("jdbc:h2:mem:canary-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", null,
                null);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL,"
                    + " email_normalized VARCHAR(200))");
            s.execute("INSERT INTO customers (id, email) SELECT X, CONCAT(' User', X, '@Example.COM')"
                    + " FROM SYSTEM_RANGE(1, " + rows + ")");
        }
        return db;
    }
}
