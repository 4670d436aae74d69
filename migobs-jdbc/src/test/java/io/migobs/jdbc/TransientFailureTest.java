package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real lock timeouts, deadlocks, dropped connections and permanent errors on every database. */
class TransientFailureTest {
    private static final String CP = "tfx_checkpoint";
    private static final String T = "tfx_items";
    private static final int ROWS = 300;
    private static final ExecutorService POOL = Executors.newCachedThreadPool();

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    private static DataSource db(Databases.Kind kind) {
        DataSource ds = Fixtures.open(kind, "transient");
        Databases.execute(ds, "DROP TABLE IF EXISTS " + CP);
        Fixtures.items(ds, T, ROWS);
        return ds;
    }

    private static JdbcBackfill.Builder backfill(DataSource ds, Databases.Kind kind, HookedTime time) {
        return JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP).timeSource(time)
                .beforeEachBatch(Sessions.shortLockTimeout(kind));
    }

    private static MigrationPlan plan(String name, int maxConsecutiveFailures) {
        return MigrationPlan.builder(name).batchSize(100, 100, 100).maxConsecutiveFailures(maxConsecutiveFailures)
                .build();
    }

    private static Connection lockRow(DataSource ds, long id) throws SQLException {
        Connection c = ds.getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + T + " SET t = 'blocker' WHERE id = " + id);
        }
        return c;
    }

    private static long count(DataSource ds, String where) {
        return Databases.queryLong(ds, "SELECT COUNT(*) FROM " + T + " WHERE " + where);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void lockTimeoutIsRetriedAfterBackoffAndNothingIsAppliedTwice(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        Connection blocker = lockRow(ds, 150);
        HookedTime time = new HookedTime().onFirstSleep(() -> {
            blocker.rollback();
            blocker.close();
        });
        // no timeSource on the backfill: it waits on the run's clock
        JdbcBackfill bf = JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP)
                .beforeEachBatch(Sessions.shortLockTimeout(kind))
                .statement("UPDATE " + T + " SET n = n + 1 WHERE {range}").build();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        RunReport r = bf.run(plan("tfx-lock", 3), b -> b.timeSource(time).meterRegistry(registry));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.failedBatches()).isZero();
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
        // the retry is counted, by kind, in the run's registry
        assertThat(registry.get("migobs.jdbc.retries").tag("migration", "tfx-lock").tag("kind", "lock_timeout")
                .counter().count()).isEqualTo(1.0);
        assertThat(count(ds, "n = 1")).isEqualTo(ROWS);
        assertThat(count(ds, "t = 'blocker'")).isZero();
    }

    /** H2 lets its lock timeout win over QUERY_TIMEOUT in a lock wait; its 57014 is covered by FailureKindTest. */
    @ParameterizedTest
    @EnumSource(value = Databases.Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void aStatementTimeoutIsRetried(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        Connection blocker = lockRow(ds, 120);
        HookedTime time = new HookedTime().onFirstSleep(() -> {
            blocker.rollback();
            blocker.close();
        });
        String timeout = Sessions.shortStatementTimeout(kind);
        List<FailureKind> seen = new CopyOnWriteArrayList<>();
        JdbcBackfill bf = JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP).beforeEachBatch(timeout)
                .operation((c, range) -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET n = n + 1 WHERE "
                            + range.predicate())) {
                        range.bind(ps, 1);
                        return ps.executeUpdate();
                    } catch (SQLException e) {
                        seen.add(FailureKind.classify(e));
                        throw e;
                    }
                }).build();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        RunReport r = bf.run(plan("tfx-timeout", 3), b -> b.timeSource(time).meterRegistry(registry));
        assertThat(seen).containsExactly(FailureKind.STATEMENT_TIMEOUT);
        assertThat(registry.get("migobs.jdbc.retries").tag("kind", "statement_timeout").counter().count())
                .isEqualTo(1.0);
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(count(ds, "n = 1")).isEqualTo(ROWS);
    }

    /**
     * GitLab's batched migrations split a timed-out batch in half; so does the driver: a batch whose statement times
     * out on a row locked in its second half goes through as its first half while the lock is still held, and the
     * rest follows once it is released. Nothing is applied twice or lost.
     */
    @ParameterizedTest
    @EnumSource(value = Databases.Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void aStatementTimeoutRetriesTheBatchWithHalfItsKeys(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        Connection blocker = lockRow(ds, 180); // in the second half of the batch of keys 101..200
        String timeout = Sessions.shortStatementTimeout(kind);
        List<String> attempts = new CopyOnWriteArrayList<>();
        JdbcBackfill bf = JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP).beforeEachBatch(timeout)
                .operation((c, range) -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET n = n + 1 WHERE "
                            + range.predicate())) {
                        range.bind(ps, 1);
                        int n = ps.executeUpdate();
                        attempts.add(range.rows() + " ok" + (blocker.isClosed() ? "" : " (row 180 still locked)"));
                        if (range.rows() == 50 && !blocker.isClosed()) {
                            blocker.rollback(); // the first half went through around the lock: release it
                            blocker.close();
                        }
                        return n;
                    } catch (SQLException e) {
                        attempts.add(range.rows() + " " + FailureKind.classify(e).name().toLowerCase());
                        throw e;
                    }
                }).build();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        RunReport r = bf.run(plan("tfx-split", 3), b -> b.timeSource(new ManualTimeSource()).meterRegistry(registry));

        assertThat(r.state()).as(String.join(", ", attempts)).isEqualTo(RunState.COMPLETED);
        assertThat(attempts).startsWith("100 ok (row 180 still locked)", "100 statement_timeout",
                "50 ok (row 180 still locked)");
        assertThat(registry.get("migobs.jdbc.retries").tag("kind", "statement_timeout").counter().count())
                .isEqualTo(1.0);
        assertThat(count(ds, "n = 1")).isEqualTo(ROWS);
        assertThat(r.rowsProcessed()).isEqualTo(ROWS);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void exhaustedAttemptsFailTheBatchAndTheFailureLimitTurnsTheRunRed(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        try (Connection blocker = lockRow(ds, 150)) {
            HookedTime time = new HookedTime();
            JdbcBackfill bf = backfill(ds, kind, time).statement("UPDATE " + T + " SET n = n + 1 WHERE {range}")
                    .retry(RetryPolicy.builder().maxAttempts(2).build()).build();
            RunReport r = bf.run(plan("tfx-attempts", 1), b -> b.timeSource(new ManualTimeSource()));
            assertThat(r.state()).isEqualTo(RunState.ABORTED);
            assertThat(r.failedBatches()).isEqualTo(1);
            assertThat(r.reason()).contains("1 consecutive batches failed", "key range (100, 200]", "LOCK_TIMEOUT",
                    "2 attempts");
            assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
            blocker.rollback();
            assertThat(count(ds, "n = 1")).as("first batch committed").isEqualTo(100);
            assertThat(count(ds, "n = 1 AND id > 100")).as("failed batch rolled back").isZero();
            assertThat(bf.checkpoint("tfx-attempts").orElseThrow().rowsDone()).isEqualTo(100);
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void anExhaustedRetryBudgetAbortsTheRun(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        try (Connection blocker = lockRow(ds, 250)) {
            HookedTime time = new HookedTime();
            JdbcBackfill bf = backfill(ds, kind, time).statement("UPDATE " + T + " SET n = n + 1 WHERE {range}")
                    .retry(RetryPolicy.builder().maxAttempts(5).retryBudget(1).build()).build();
            RunReport r = bf.run(plan("tfx-budget", 10), b -> b.timeSource(new ManualTimeSource()));
            assertThat(r.state()).isEqualTo(RunState.ABORTED);
            assertThat(r.reason()).contains("retry budget of 1 retries exhausted", "key range (200, 300]");
            assertThat(time.sleeps()).hasSize(1);
            blocker.rollback();
            assertThat(count(ds, "n = 1")).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aDroppedConnectionIsReplacedAndTheBatchRetried(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        AtomicInteger calls = new AtomicInteger();
        List<FailureKind> seen = new CopyOnWriteArrayList<>();
        HookedTime time = new HookedTime();
        JdbcBackfill bf = JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP).timeSource(time)
                .operation((c, range) -> {
                    long changed;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET n = n + 1 WHERE "
                            + range.predicate())) {
                        range.bind(ps, 1);
                        changed = ps.executeUpdate();
                    }
                    if (calls.incrementAndGet() == 2) {
                        Sessions.kill(kind, ds, Sessions.id(kind, c));
                        try (Statement s = c.createStatement()) {
                            s.execute("UPDATE " + T + " SET n = n + 100 WHERE id = 1");
                        } catch (SQLException e) {
                            seen.add(FailureKind.classify(e));
                            throw e;
                        }
                    }
                    return changed;
                }).build();
        RunReport r = bf.run(plan("tfx-drop", 3), b -> b.timeSource(new ManualTimeSource()));
        assertThat(seen).containsExactly(FailureKind.CONNECTION);
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(time.sleeps()).hasSize(1);
        assertThat(count(ds, "n = 1")).isEqualTo(ROWS);
    }

    @ParameterizedTest
    @EnumSource(value = Databases.Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void aRealDeadlockVictimIsRolledBackAndRetried(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        Connection other = ds.getConnection();
        other.setAutoCommit(false);
        long otherId = Sessions.id(kind, other);
        try (Statement s = other.createStatement()) {
            if (kind == Databases.Kind.POSTGRESQL) {
                s.execute("SET deadlock_timeout = '10s'"); // the backfill (50 ms) detects the cycle first
            }
            // heavier than the backfill's transaction, so that InnoDB picks the backfill as the victim
            s.executeUpdate("UPDATE " + T + " SET t = 'other' WHERE id > 200");
            s.executeUpdate("UPDATE " + T + " SET t = 'other' WHERE id = 50");
        }
        List<FailureKind> seen = new CopyOnWriteArrayList<>();
        Future<?>[] otherWaits = new Future<?>[1];
        HookedTime time = new HookedTime().onFirstSleep(() -> {
            otherWaits[0].get(30, TimeUnit.SECONDS); // got row 10 once the victim rolled back
            other.rollback();
            other.close();
        });
        AtomicInteger calls = new AtomicInteger();
        JdbcBackfill.Builder b = JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP).timeSource(time)
                .operation((c, range) -> {
                    if (calls.incrementAndGet() == 1) {
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("UPDATE " + T + " SET n = n + 1 WHERE id = 10");
                        }
                        otherWaits[0] = POOL.submit(() -> {
                            try (Statement s = other.createStatement()) {
                                s.executeUpdate("UPDATE " + T + " SET t = 'other' WHERE id = 10");
                            }
                            return null;
                        });
                        Sessions.awaitLockWait(kind, ds, otherId);
                        try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET n = n + 1 WHERE "
                                + range.predicate() + " AND id <> 10")) {
                            range.bind(ps, 1);
                            return ps.executeUpdate() + 1;
                        } catch (SQLException e) {
                            seen.add(FailureKind.classify(e));
                            throw e;
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET n = n + 1 WHERE "
                            + range.predicate())) {
                        range.bind(ps, 1);
                        return ps.executeUpdate();
                    }
                });
        if (kind == Databases.Kind.POSTGRESQL) {
            b.beforeEachBatch("SET LOCAL deadlock_timeout = '50ms'");
        }
        RunReport r;
        try {
            r = b.build().run(plan("tfx-deadlock", 3), rb -> rb.timeSource(new ManualTimeSource()));
        } finally {
            if (!other.isClosed()) {
                other.abort(Runnable::run); // a failure must not leave its row locks to hang the next test
            }
        }
        assertThat(seen).containsExactly(FailureKind.DEADLOCK);
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
        assertThat(count(ds, "n = 1")).isEqualTo(ROWS);
        assertThat(count(ds, "t = 'other'")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aPermanentErrorAbortsWithTheKeyRangeAndARestartResumes(Databases.Kind kind) throws Exception {
        DataSource ds = db(kind);
        HookedTime time = new HookedTime();
        JdbcBackfill failing = JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP).timeSource(time)
                .operation((c, range) -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET n = n + 1 WHERE "
                            + range.predicate())) {
                        range.bind(ps, 1);
                        ps.executeUpdate();
                    }
                    if (Long.valueOf(200).equals(range.lower())) {
                        try (Statement s = c.createStatement()) {
                            s.execute("UPDATE tfx_no_such_table SET x = 1");
                        }
                    }
                    return range.rows();
                }).build();
        MigrationPlan plan = plan("tfx-permanent", 3);
        RunReport r = failing.run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.ABORTED);
        assertThat(r.reason()).contains("key range (200, 300]", "PERMANENT", "1 attempt", "table '" + T + "'")
                .doesNotContain("jdbc:");
        assertThat(time.sleeps()).as("no retry of a permanent error").isEmpty();
        assertThat(count(ds, "n = 1")).isEqualTo(200);
        assertThat(count(ds, "n = 1 AND id > 200")).isZero();

        JdbcBackfill fixed = JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP)
                .statement("UPDATE " + T + " SET n = n + 1 WHERE id > ? AND id <= ?").build();
        RunReport again = fixed.run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(again.state()).isEqualTo(RunState.COMPLETED);
        assertThat(again.rowsResumed()).isEqualTo(200);
        assertThat(count(ds, "n = 1")).isEqualTo(ROWS);
    }
}
