package io.migobs.jdbc.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.Decision;
import io.migobs.DecisionChange;
import io.migobs.Gate;
import io.migobs.GateState;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.Signal;
import io.migobs.Verdict;
import io.migobs.jdbc.testsupport.AwaitCondition;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.jdbc.testsupport.LaggingWrites;
import io.migobs.jdbc.testsupport.MariaDbReplicaSupport;
import io.migobs.testing.ManualTimeSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mysqlReplicaLag()} against a real MariaDB replica ({@code .ci/mariadb-replica.sh}): a transaction on the
 * replica that holds a row lock stalls its SQL thread (as a long report query or a backup lock does in production),
 * so while the backfill writes on the primary {@code Seconds_Behind_Master} rises; the run gated on it throttles and
 * then aborts, and once the lock is released the replica catches up with every row and the signal returns to green.
 * A stopped SQL thread reads as UNKNOWN, naming the thread states.
 *
 * <p>Real lag needs real seconds to build up, so this test waits for conditions on the databases (bounded by
 * {@link #CAP}); the run itself uses a {@link ManualTimeSource}, and nothing asserts a timing.
 */
class MariaDbReplicaLagTest {
    private static final Duration CAP = Duration.ofSeconds(30);
    private static final int ROWS = 200;
    private static DataSource primary;
    private static DataSource replica;

    @BeforeAll
    static void setUp() {
        MariaDbReplicaSupport.Pair pair = MariaDbReplicaSupport.open();
        primary = pair.primary();
        replica = pair.replica();
        Databases.execute(primary, "DROP TABLE IF EXISTS sig_mdb_t",
                "CREATE TABLE sig_mdb_t (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO sig_mdb_t SELECT seq, 0 FROM seq_1_to_" + ROWS);
        AwaitCondition.until("the replica to apply the test table", CAP,
                () -> tableRows(replica), n -> n == ROWS);
    }

    private static long tableRows(DataSource ds) {
        List<List<String>> r = Databases.rows(ds, "SELECT COUNT(*) FROM information_schema.TABLES WHERE"
                + " TABLE_SCHEMA = 'test' AND TABLE_NAME = 'sig_mdb_t'");
        return "1".equals(r.get(0).get(0)) ? Databases.queryLong(ds, "SELECT COUNT(*) FROM sig_mdb_t") : -1;
    }

    @AfterAll
    static void tearDown() {
        if (replica != null) {
            Databases.execute(replica, "START SLAVE");
        }
        if (primary != null) {
            Databases.execute(primary, "DROP TABLE IF EXISTS sig_mdb_t");
        }
    }

    private static Signal lag() {
        return DatabaseSignals.on(replica).withQueryTimeout(Duration.ofSeconds(2)).mysqlReplicaLag();
    }

    private static MigrationPlan plan(String name, Signal lag) {
        Gate gate = Gate.builder("replica.lag", lag).yellowAbove(1).redAbove(3).holdSamples(2).recoverSamples(2)
                .sampleInterval(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(5))
                .description("MariaDB Seconds_Behind_Master on the replica").build();
        return MigrationPlan.builder(name).estimatedRows(1_000_000).batchSize(10, 1, 100).replicaLag(lag).gate(gate)
                .build();
    }

    @Test
    void aStalledSqlThreadThrottlesThenAbortsTheRunAndTheReplicaCatchesUpWithEveryRow() throws Exception {
        Signal lag = lag();
        AwaitCondition.until("replica lag to start green", CAP, lag::read, v -> v < 1.0);
        MigrationPlan plan = plan("mariadb-replica-lag-e2e", lag);

        RunReport report;
        double lagWhileStalled;
        try (Connection blocker = replica.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.executeQuery("SELECT n FROM sig_mdb_t WHERE id = 1 FOR UPDATE").close();
            }
            // one real committed write on the primary per batch: the first on row 1 waits on the replica
            // behind the blocker's lock, and every later event queues behind it
            report = LaggingWrites.run(plan, primary, "sig_mdb_t", ROWS, CAP);
            lagWhileStalled = lag.read();
            blocker.rollback();
        }

        assertThat(report.state()).isEqualTo(RunState.ABORTED);
        assertThat(report.reason()).contains("replica.lag").doesNotContain(LaggingWrites.GAVE_UP);
        List<Decision> decisions = report.decisions().stream().map(DecisionChange::to).collect(Collectors.toList());
        assertThat(decisions).containsSubsequence(Decision.THROTTLE, Decision.ABORT);
        assertThat(report.throttled()).isPositive();
        assertThat(lagWhileStalled).isGreaterThan(3.0);

        // released: the replica applies the backlog, nothing lost or applied twice, and the gate is green again
        long written = Databases.queryLong(primary, "SELECT SUM(n) FROM sig_mdb_t");
        assertThat(written).isEqualTo(report.rowsProcessed()).isPositive();
        AwaitCondition.until("the replica to apply every update", CAP,
                () -> Databases.queryLong(replica, "SELECT SUM(n) FROM sig_mdb_t"), n -> n == written);
        AwaitCondition.until("replica lag back to green", CAP, lag::read, v -> v < 1.0);
        Verdict verdict = MigrationRun.goNoGo(plan, new ManualTimeSource());
        assertThat(verdict.go()).as(verdict.summary()).isTrue();
    }

    @Test
    void aStoppedSqlThreadIsUnknownNamingTheThreadStatesAndRestartingItReadsANumberAgain() throws Exception {
        Signal lag = lag();
        AwaitCondition.until("replica lag to start green", CAP, lag::read, v -> v < 1.0);
        Databases.execute(replica, "STOP SLAVE SQL_THREAD");
        try {
            assertThatThrownBy(lag::read).isInstanceOf(DatabaseSignalException.class)
                    .hasMessageContaining("replication is broken or stopped")
                    .hasMessageContaining("I/O thread Yes, SQL thread No");
            Verdict verdict = MigrationRun.goNoGo(plan("mariadb-replica-stopped", lag), new ManualTimeSource());
            assertThat(verdict.go()).isFalse();
            assertThat(verdict.gates()).singleElement().satisfies(g -> {
                assertThat(g.state()).isEqualTo(GateState.UNKNOWN);
                assertThat(g.detail()).contains("SQL thread No");
            });
        } finally {
            Databases.execute(replica, "START SLAVE SQL_THREAD");
        }
        AwaitCondition.until("a number again once the SQL thread runs", CAP, lag::read, v -> v < 1.0);
    }
}
