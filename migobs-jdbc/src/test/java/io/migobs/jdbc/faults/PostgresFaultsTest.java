package io.migobs.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.BatchOperation;
import io.migobs.jdbc.Checkpoint;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.jdbc.KeyRange;
import io.migobs.jdbc.RetryPolicy;
import io.migobs.jdbc.testsupport.AwaitCondition;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Database faults during a real backfill on PostgreSQL (issue 8 item 2), end to end: while the non-idempotent
 * backfill {@code n = n + 1} runs through {@link JdbcBackfill}, its own batches are hit — after their UPDATE, before
 * the commit — by a server-side {@code pg_terminate_backend} of the batch's connection, a server-side statement
 * timeout, and a real deadlock with a concurrent writer. Within the retry budget, every fault is rolled back and
 * retried and the table ends exactly right (and the writer's changes survive); with the budget exhausted, the run
 * aborts (red) with the checkpoint consistent with the data, and a restart finishes exactly once.
 *
 * <p>The faults come from a seeded schedule, so the run is reproducible. The run's time is a
 * {@link ManualTimeSource} (retry backoffs take no real time); the only real waits are the database's own (the
 * 150 ms statement timeout, the 50 ms deadlock timeout) and waiting for the writer to block on its lock. The
 * database restart is not tested here: it would stop the machine's shared PostgreSQL server.
 */
class PostgresFaultsTest {
    private static final int ROWS = 3_000;
    private static final String TABLE = "flt_pg_t";
    private static final String SIDECAR = "flt_pg_side";
    private static final String CP = "flt_checkpoint";

    enum Fault { TERMINATE, STATEMENT_TIMEOUT, DEADLOCK }

    private static DataSource pg;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        pg = Databases.open(Databases.Kind.POSTGRESQL, "unused");
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (pg != null) {
            Databases.execute(pg, "DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + SIDECAR,
                    "DROP TABLE IF EXISTS " + CP);
        }
    }

    private static void createTables() {
        Databases.execute(pg, "DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + SIDECAR,
                "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, base INT NOT NULL, n INT NOT NULL,"
                        + " w INT NOT NULL DEFAULT 0)",
                "INSERT INTO " + TABLE + " (id, base, n) SELECT g, g % 97, g % 97 FROM generate_series(1, " + ROWS
                        + ") g",
                "CREATE TABLE " + SIDECAR + " (id INT PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO " + SIDECAR + " VALUES (1, 0)",
                "CREATE TABLE IF NOT EXISTS " + CP + " (migration VARCHAR(200) PRIMARY KEY)",
                "DROP TABLE " + CP);
    }

    /** Decides, per batch attempt, which fault (if any) hits it; counts what it injected. */
    static final class Chaos {
        final Random random;
        final double probability;
        final int maxPerBatch;
        final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
        final List<Long> deadlockKeys = new ArrayList<>();
        Object lastLower = new Object();
        int streak;
        boolean always;

        Chaos(long seed, double probability, int maxPerBatch) {
            this.random = new Random(seed);
            this.probability = probability;
            this.maxPerBatch = maxPerBatch;
        }

        synchronized Fault next(KeyRange range) {
            if (!java.util.Objects.equals(range.lower(), lastLower)) {
                lastLower = range.lower();
                streak = 0;
            }
            if (!always && (streak >= maxPerBatch || random.nextDouble() >= probability)) {
                return null;
            }
            streak++;
            Fault f = always ? Fault.TERMINATE : Fault.values()[random.nextInt(Fault.values().length)];
            injected.merge(f, 1, Integer::sum);
            return f;
        }

        int total() {
            return injected.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The batch's work: n = n + 1 on the range, then the scheduled fault before the driver commits. */
    private BatchOperation faulty(Chaos chaos, List<Future<?>> writers) {
        return (c, range) -> {
            long changed;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET n = n + 1 WHERE "
                    + range.predicate())) {
                range.bind(ps, 1);
                changed = ps.executeUpdate();
            }
            Fault f = chaos.next(range);
            if (f == null) {
                return changed;
            }
            switch (f) {
                case TERMINATE -> {
                    long pid = pid(c);
                    Databases.execute(pg, "SELECT pg_terminate_backend(" + pid + ")");
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1"); // the server closed the session: this fails
                    }
                    throw new AssertionError("the terminated session still answered");
                }
                case STATEMENT_TIMEOUT -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL statement_timeout = '150ms'");
                        s.execute("SELECT pg_sleep(10)"); // cancelled by the server: SQLState 57014
                    }
                    throw new AssertionError("pg_sleep(10) was not cancelled by the statement timeout");
                }
                case DEADLOCK -> {
                    long key = ((Number) range.upper()).longValue(); // locked by this batch's UPDATE
                    Connection writer = pg.getConnection();
                    writer.setAutoCommit(false);
                    try (Statement s = writer.createStatement()) {
                        s.execute("SET deadlock_timeout = '10s'"); // the backfill (50 ms) detects the cycle first
                        s.executeUpdate("UPDATE " + SIDECAR + " SET v = v + 1 WHERE id = 1");
                    }
                    long writerPid = pid(writer);
                    synchronized (chaos) {
                        chaos.deadlockKeys.add(key);
                    }
                    writers.add(pool.submit(() -> {
                        try (writer; Statement s = writer.createStatement()) {
                            s.executeUpdate("UPDATE " + TABLE + " SET w = w + 1 WHERE id = " + key); // waits for us
                            writer.commit();
                        }
                        return null;
                    }));
                    AwaitCondition.until("the writer to wait for the backfill's row lock", Duration.ofSeconds(20),
                            () -> Databases.queryLong(pg, "SELECT count(*) FROM pg_stat_activity WHERE pid = "
                                    + writerPid + " AND wait_event_type = 'Lock'"), n -> n == 1);
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL deadlock_timeout = '50ms'");
                        s.executeUpdate("UPDATE " + SIDECAR + " SET v = v + 1 WHERE id = 1"); // 40P01
                    }
                    throw new AssertionError("no deadlock detected");
                }
                default -> throw new IllegalStateException(f.toString());
            }
        };
    }

    private static long pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JdbcBackfill backfill(BatchOperation op, RetryPolicy retry) {
        return JdbcBackfill.builder(pg, TABLE).keyColumns("id").operation(op).checkpointTable(CP).retry(retry)
                .build();
    }

    private static MigrationPlan plan(String name) {
        return MigrationPlan.builder(name).totalRows(ROWS).batchSize(50, 50, 50).maxConsecutiveFailures(3).build();
    }

    @Test
    void faultsWithinTheRetryBudgetAreRetriedAndTheBackfillIsExact() throws Exception {
        createTables();
        Chaos chaos = new Chaos(8L, 0.3, 3);
        List<Future<?>> writers = new java.util.concurrent.CopyOnWriteArrayList<>();
        RetryPolicy retry = RetryPolicy.builder().maxAttempts(5).retryBudget(100).build();
        RunReport report = backfill(faulty(chaos, writers), retry).run(plan("flt-within-budget"),
                b -> b.timeSource(new ManualTimeSource()).meterRegistry(new SimpleMeterRegistry()));
        for (Future<?> w : writers) {
            w.get(30, TimeUnit.SECONDS);
        }
        System.out.printf("FAULT-FIGURES scenario=within-budget injected=%d %s batches=%d failed_batches=%d"
                + " state=%s%n", chaos.total(), chaos.injected, report.batches(), report.failedBatches(),
                report.state());

        assertThat(report.state()).as(report.reason()).isEqualTo(RunState.COMPLETED);
        assertThat(report.failedBatches()).isZero();
        assertThat(report.rowsProcessed()).isEqualTo(ROWS);
        assertThat(chaos.injected.keySet()).containsExactlyInAnyOrder(Fault.values());
        assertThat(chaos.total()).isGreaterThanOrEqualTo(10);
        assertExactlyOnce(chaos);
    }

    @Test
    void anExhaustedRetryBudgetAbortsWithTheCheckpointConsistentAndARestartFinishesExactlyOnce() throws Exception {
        createTables();
        Chaos chaos = new Chaos(9L, 0.3, 3);
        List<Future<?>> writers = new java.util.concurrent.CopyOnWriteArrayList<>();
        RetryPolicy small = RetryPolicy.builder().maxAttempts(5).retryBudget(4).build();
        RunReport red = backfill(faulty(chaos, writers), small).run(plan("flt-budget"),
                b -> b.timeSource(new ManualTimeSource()).meterRegistry(new SimpleMeterRegistry()));
        for (Future<?> w : writers) {
            w.get(30, TimeUnit.SECONDS);
        }
        System.out.printf("FAULT-FIGURES scenario=budget-exhausted injected=%d %s batches=%d state=%s reason=%s%n",
                chaos.total(), chaos.injected, red.batches(), red.state(), red.reason());
        assertThat(red.state()).isEqualTo(RunState.ABORTED);
        assertThat(red.reason()).contains("retry budget of 4 retries exhausted").contains("key range");
        assertThat(chaos.total()).isEqualTo(5); // 4 retried, the fifth exhausted the budget

        // Consistent: exactly the keys up to the checkpoint are incremented, once; nothing of the failed batch.
        Checkpoint cp = backfill(faulty(chaos, writers), small).checkpoint("flt-budget").orElseThrow();
        assertThat(cp.status()).isEqualTo(Checkpoint.Status.RUNNING);
        assertThat(cp.rowsDone()).isEqualTo(red.rowsProcessed()).isLessThan(ROWS);
        List<String> counts = Databases.rows(pg, "SELECT SUM(CASE WHEN n = base + 1 THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN n = base + 1 AND id > " + cp.cursor() + " THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN n NOT IN (base, base + 1) THEN 1 ELSE 0 END) FROM " + TABLE).get(0);
        assertThat(counts).containsExactly(String.valueOf(cp.rowsDone()), "0", "0");

        // Restart without faults: resumes after the checkpoint and finishes exactly once.
        Chaos calm = new Chaos(0L, 0.0, 0);
        RunReport again = backfill(faulty(calm, writers), small).run(plan("flt-budget"),
                b -> b.timeSource(new ManualTimeSource()).meterRegistry(new SimpleMeterRegistry()));
        assertThat(again.state()).isEqualTo(RunState.COMPLETED);
        assertThat(again.rowsResumed()).isEqualTo(cp.rowsDone());
        assertExactlyOnce(chaos);
    }

    @Test
    void aConnectionKilledOnEveryAttemptFailsTheBatchAndTheRunStopsRedWithNothingHalfApplied() throws Exception {
        createTables();
        Chaos chaos = new Chaos(1L, 0.0, 0);
        chaos.always = true;
        List<Future<?>> writers = new java.util.concurrent.CopyOnWriteArrayList<>();
        RetryPolicy three = RetryPolicy.builder().maxAttempts(3).retryBudget(100).build();
        RunReport red = backfill(faulty(chaos, writers), three).run(plan("flt-always"),
                b -> b.timeSource(new ManualTimeSource()).meterRegistry(new SimpleMeterRegistry()));
        System.out.printf("FAULT-FIGURES scenario=every-attempt-killed injected=%d batches=%d failed_batches=%d"
                + " state=%s reason=%s%n", chaos.total(), red.batches(), red.failedBatches(), red.state(),
                red.reason());
        assertThat(red.state()).isEqualTo(RunState.ABORTED);
        assertThat(red.batches()).isZero();
        assertThat(red.failedBatches()).isEqualTo(3); // the plan's limit of consecutive failed batches
        assertThat(chaos.total()).isEqualTo(9); // 3 batches x 3 attempts, each connection terminated
        assertThat(Databases.queryLong(pg, "SELECT count(*) FROM " + TABLE + " WHERE n <> base")).isZero();
        assertThat(backfill(faulty(chaos, writers), three).checkpoint("flt-always").orElseThrow().rowsDone())
                .isZero();
    }

    /** Every n incremented exactly once; every deadlocked writer's change kept. */
    private static void assertExactlyOnce(Chaos chaos) {
        assertThat(Databases.queryLong(pg, "SELECT count(*) FROM " + TABLE + " WHERE n <> base + 1")).isZero();
        assertThat(Databases.queryLong(pg, "SELECT count(*) FROM " + TABLE)).isEqualTo(ROWS);
        assertThat(Databases.queryLong(pg, "SELECT COALESCE(SUM(w), 0) FROM " + TABLE))
                .isEqualTo(chaos.deadlockKeys.size());
        assertThat(Databases.queryLong(pg, "SELECT v FROM " + SIDECAR + " WHERE id = 1"))
                .isEqualTo(chaos.deadlockKeys.size());
    }
}
