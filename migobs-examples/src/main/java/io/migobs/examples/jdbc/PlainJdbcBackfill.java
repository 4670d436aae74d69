package io.migobs.examples.jdbc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.Phase;
import io.migobs.RunReport;
import io.migobs.Signals;
import io.migobs.examples.support.UrlDataSource;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.jdbc.JdbcChecksum;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The shortest complete program: normalize the e-mail addresses of a {@code customers} table into a new column,
 * with a canary phase, an error-rate gate, a checksum invariant and a checkpoint (run it again after a crash and it
 * resumes). Without an argument it creates a sample table of 20,000 rows in an in-memory H2 database.
 *
 * <pre>java -cp migobs-examples.jar io.migobs.examples.jdbc.PlainJdbcBackfill [JDBC_URL]</pre>
 */
public final class PlainJdbcBackfill {
    private PlainJdbcBackfill() {
    }

    /**
     * Runs the example.
     *
     * @param args optional JDBC URL of a database with a {@code customers(id, email, email_normalized)} table
     * @throws SQLException if the sample table cannot be created
     */
    public static void main(String[] args) throws SQLException {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the example in this JVM.
     *
     * @param args optional JDBC URL
     * @param out where the result goes
     * @return 0 when the backfill completed with every invariant passing, 2 when it aborted
     * @throws SQLException if the sample table cannot be created
     */
    public static int run(String[] args, PrintStream out) throws SQLException {
        DataSource db = args.length > 0 ? UrlDataSource.fromEnv(args[0], "MIGOBS_DB") : sampleDatabase(20_000);

        JdbcBackfill backfill = JdbcBackfill.builder(db, "customers").keyColumns("id")
                .statement("UPDATE customers SET email_normalized = LOWER(TRIM(email)) WHERE {range}")
                .build();
        MigrationPlan plan = MigrationPlan.builder("customers-email-normalized")
                .totalRows(backfill.countRows())
                .phase(Phase.builder("canary").rows(1_000).build())
                .phase(Phase.builder("full").build())
                .gate(Gate.builder("batch.error.rate", Signals.batchErrorRate()).yellowAbove(0.01).redAbove(0.05)
                        .build())
                .invariant("email-normalized", Cadence.everyRows(5_000), JdbcChecksum.builder(db, "customers")
                        .keyColumns("id").sourceExpressions("LOWER(TRIM(email))")
                        .target(db, "customers").targetColumns("email_normalized").build())
                .build();
        RunReport report = backfill.run(plan, run -> run.meterRegistry(new SimpleMeterRegistry()));

        out.println(report.state() + ": " + report.rowsProcessed() + " rows in " + report.batches() + " batches, "
                + report.elapsed().toMillis() + " ms; phases " + report.phasesCompleted());
        report.invariants().forEach(i -> out.println("  invariant " + i.name() + ": " + i.checks() + " checks, "
                + i.failures() + " failures, " + i.rowsSampled() + " rows compared"));
        return report.succeeded() ? 0 : 2;
    }

    /** An in-memory H2 database with {@code customers(id, email, email_normalized)}. */
    static DataSource sampleDatabase(int rows) throws SQLException {
        DataSource db = new UrlDataSource("jdbc:h2:mem:plain-jdbc-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                null, null);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL,"
                    + " email_normalized VARCHAR(200))");
            s.execute("INSERT INTO customers (id, email) SELECT X, CONCAT('  User', X, '@Example.COM ')"
                    + " FROM SYSTEM_RANGE(1, " + rows + ")");
        }
        return db;
    }
}
