package io.migobs.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.BatchEvent;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.BatchOperation;
import io.migobs.jdbc.Checkpoint;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.jdbc.RetryPolicy;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.jdbc.testsupport.PgScratchSupport;
import io.migobs.testing.ManualTimeSource;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database restarting during a backfill (issue 8 item 2): a throwaway PostgreSQL cluster ({@code .ci/pg-scratch.sh},
 * 127.0.0.1:5434, never the machine's main server) is restarted twice while the non-idempotent backfill
 * {@code n = n + 1} runs — once inside a batch (after its UPDATE, before the commit), once between two batches (the
 * driver's kept connection is dead when the next batch starts). Both are retried on a new connection and the table
 * ends exactly right. Skipped (failed when {@code CI=true}) when the cluster cannot be reached or created.
 */
class PostgresRestartTest {
    private static final int ROWS = 2_000;
    private static final String TABLE = "rst_pg_t";
    private static DataSource scratch;

    @BeforeAll
    static void setUp() {
        scratch = PgScratchSupport.open();
    }

    private static String startTime() {
        return Databases.rows(scratch, "SELECT pg_postmaster_start_time()::text").get(0).get(0);
    }

    @Test
    void restartsInsideABatchAndBetweenBatchesAreRetriedExactlyOnce() throws Exception {
        Databases.execute(scratch, "DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS rst_checkpoint",
                "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, base INT NOT NULL, n INT NOT NULL)",
                "INSERT INTO " + TABLE + " SELECT g, g % 97, g % 97 FROM generate_series(1, " + ROWS + ") g");
        String before = startTime();
        AtomicInteger restarts = new AtomicInteger();
        BatchOperation op = (c, range) -> {
            long changed;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET n = n + 1 WHERE "
                    + range.predicate())) {
                range.bind(ps, 1);
                changed = ps.executeUpdate();
            }
            if (Long.valueOf(500).equals(range.lower()) && restarts.get() == 0) {
                restart(restarts);
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1"); // the session died with the server
                }
                throw new AssertionError("the session survived the restart");
            }
            return changed;
        };
        MigrationListener betweenBatches = new MigrationListener() {
            @Override
            public void onBatchEnd(BatchEvent e) {
                if (e.sequence() == 30 && restarts.get() == 1) {
                    restart(restarts);
                }
            }
        };
        JdbcBackfill backfill = JdbcBackfill.builder(scratch, TABLE).keyColumns("id").operation(op)
                .checkpointTable("rst_checkpoint").retry(RetryPolicy.builder().maxAttempts(3).retryBudget(10).build())
                .build();
        MigrationPlan plan = MigrationPlan.builder("rst-restart").totalRows(ROWS).batchSize(50, 50, 50).build();
        RunReport report = backfill.run(plan, b -> b.timeSource(new ManualTimeSource())
                .meterRegistry(new SimpleMeterRegistry()).listener(betweenBatches));
        System.out.printf("FAULT-FIGURES scenario=database-restart restarts=%d batches=%d failed_batches=%d"
                + " state=%s%n", restarts.get(), report.batches(), report.failedBatches(), report.state());

        assertThat(restarts).hasValue(2);
        assertThat(startTime()).isNotEqualTo(before);
        assertThat(report.state()).as(report.reason()).isEqualTo(RunState.COMPLETED);
        assertThat(report.failedBatches()).isZero();
        assertThat(Databases.queryLong(scratch, "SELECT count(*) FROM " + TABLE + " WHERE n <> base + 1")).isZero();
        Checkpoint cp = backfill.checkpoint("rst-restart").orElseThrow();
        assertThat(cp.status()).isEqualTo(Checkpoint.Status.COMPLETED);
        assertThat(cp.rowsDone()).isEqualTo(ROWS);
    }

    private static void restart(AtomicInteger restarts) {
        try {
            PgScratchSupport.script("restart");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot restart the scratch cluster", e);
        }
        restarts.incrementAndGet();
    }
}
