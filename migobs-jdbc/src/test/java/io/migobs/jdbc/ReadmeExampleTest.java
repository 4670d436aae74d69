package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Cadence;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The README's JDBC example, compiled and run (on H2) so that it cannot rot. */
class ReadmeExampleTest {
    @Test
    void readmeBackfillRunsAsWritten() {
        DataSource dataSource = Databases.h2Mem("readme");
        Databases.execute(dataSource, "DROP TABLE IF EXISTS customers", "CREATE TABLE customers (id BIGINT PRIMARY KEY,"
                + " email VARCHAR(100), email_lower VARCHAR(100))");
        Fixtures.insert(dataSource, "INSERT INTO customers (id, email) VALUES (?, ?)", 2500, (ps, i) -> {
            ps.setLong(1, i);
            ps.setString(2, "User" + i + "@Example.com");
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ManualTimeSource clock = new ManualTimeSource();

        // --- README snippet (start) ---
        JdbcBackfill backfill = JdbcBackfill.builder(dataSource, "customers")
                .keyColumns("id")
                .statement("UPDATE customers SET email_lower = LOWER(email) WHERE {range}")
                .build();                                       // checkpoint table migobs_checkpoint, retries on
        KeySpace keys = backfill.keySpace();                    // min/max id: progress without COUNT(*)
        JdbcChecksum verify = JdbcChecksum.builder(dataSource, "customers")
                .keyColumns("id")
                .sourceExpressions("LOWER(email)")              // expected value...
                .targetColumns("email_lower")                   // ...vs what the backfill wrote
                .build();
        MigrationPlan plan = MigrationPlan.builder("2026-11-customers-email-lower")
                .progressFromCursor(keys.progress(), keys.description())
                .invariant("email-lower-checksum", Cadence.everyRows(1_000), verify)
                .build();
        RunReport report = backfill.run(plan, run -> run.meterRegistry(registry).timeSource(clock));
        // Run it again after a crash: it resumes after the last committed batch; once completed, it is a no-op.
        // --- README snippet (end) ---

        assertThat(report.state()).isEqualTo(RunState.COMPLETED);
        assertThat(report.rowsProcessed()).isEqualTo(2500);
        assertThat(report.invariants().get(0).failures()).isZero();
        assertThat(Databases.queryLong(dataSource, "SELECT COUNT(*) FROM customers WHERE email_lower = LOWER(email)"))
                .isEqualTo(2500);
        assertThat(backfill.checkpoint(plan.name()).orElseThrow().status()).isEqualTo(Checkpoint.Status.COMPLETED);
    }
}
