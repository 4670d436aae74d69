package io.migobs.jdbc.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.Decision;
import io.migobs.DecisionChange;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.Signal;
import io.migobs.Verdict;
import io.migobs.jdbc.testsupport.AwaitCondition;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.jdbc.testsupport.LaggingWrites;
import io.migobs.jdbc.testsupport.PgReplicaSupport;
import io.migobs.testing.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replica-lag signals against a real PostgreSQL streaming replica ({@code .ci/pg-replica.sh}): pausing replay
 * while the backfill writes on the primary makes the lag rise, the run gated on it throttles and then aborts, and
 * after resuming replay the signal returns to green.
 *
 * <p>Real lag needs real seconds to build up, so this test waits for conditions on the databases (bounded by
 * {@link #CAP}); the run itself uses a {@link ManualTimeSource}, and nothing asserts a timing.
 */
class PgReplicaLagTest {
    private static final Duration CAP = Duration.ofSeconds(30);
    private static final int ROWS = 500;
    private static DataSource primary;
    private static DataSource replica;

    @BeforeAll
    static void setUp() {
        replica = PgReplicaSupport.open();
        primary = Databases.open(Databases.Kind.POSTGRESQL, "unused");
        Databases.execute(primary, "DROP TABLE IF EXISTS sig_replica_t",
                "CREATE TABLE sig_replica_t (id INT PRIMARY KEY, n INT NOT NULL)",
                "INSERT INTO sig_replica_t SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
        AwaitCondition.until("the replica to replay the test table", CAP,
                () -> Databases.queryLong(replica, "SELECT count(*) FROM sig_replica_t"), n -> n == ROWS);
    }

    @AfterAll
    static void tearDown() {
        if (replica != null) {
            resumeReplay();
        }
        if (primary != null) {
            Databases.execute(primary, "DROP TABLE IF EXISTS sig_replica_t", "DROP TABLE IF EXISTS sig_replica_hb");
        }
    }

    private static void resumeReplay() {
        Databases.execute(replica, "SELECT pg_wal_replay_resume()");
    }

    @Test
    void pausedReplayThrottlesThenAbortsTheRunAndResumingReturnsToGreen() throws Exception {
        Signal onReplica = DatabaseSignals.on(replica).withQueryTimeout(Duration.ofSeconds(2))
                .postgresReplayLagOnReplica();
        Signal fromPrimary = DatabaseSignals.on(primary).withQueryTimeout(Duration.ofSeconds(2))
                .postgresReplayLagFromPrimary();
        AwaitCondition.until("replica lag to start green", CAP, onReplica::read, v -> v < 1.0);

        Gate gate = Gate.builder("replica.lag", onReplica).yellowAbove(1).redAbove(3).holdSamples(2)
                .recoverSamples(2).sampleInterval(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(5))
                .description("pg replay lag on the replica").build();
        MigrationPlan plan = MigrationPlan.builder("replica-lag-e2e").estimatedRows(1_000_000)
                .batchSize(10, 1, 100).replicaLag(onReplica).gate(gate).build();

        RunReport report;
        double primaryLagWhilePaused;
        Databases.execute(replica, "SELECT pg_wal_replay_pause()");
        try {
            AwaitCondition.until("replay to pause", CAP, () -> Databases.rows(replica,
                    "SELECT pg_get_wal_replay_pause_state()").get(0).get(0), "paused"::equals);
            // one real committed write on the primary per batch: WAL the paused replica receives but does not replay
            report = LaggingWrites.run(plan, primary, "sig_replica_t", ROWS, CAP);
            primaryLagWhilePaused = AwaitCondition.until("the primary to see the lag", CAP, fromPrimary::read,
                    v -> v > 1.0);
            assertThat(onReplica.read()).isGreaterThan(3.0);
        } finally {
            resumeReplay();
        }

        assertThat(report.state()).isEqualTo(RunState.ABORTED);
        assertThat(report.reason()).contains("replica.lag").doesNotContain(LaggingWrites.GAVE_UP);
        List<Decision> decisions = report.decisions().stream().map(DecisionChange::to).collect(Collectors.toList());
        assertThat(decisions).containsSubsequence(Decision.THROTTLE, Decision.ABORT);
        assertThat(report.throttled()).isPositive();
        assertThat(report.batches()).isPositive();
        assertThat(primaryLagWhilePaused).isGreaterThan(1.0);

        // Resumed: the replica replays what it received, and both signals return below the yellow threshold.
        AwaitCondition.until("replica-side lag back to green", CAP, onReplica::read, v -> v < 1.0);
        AwaitCondition.until("primary-side lag back to green", CAP, () -> {
            Databases.execute(primary, "UPDATE sig_replica_t SET n = n WHERE id = 1"); // fresh WAL to measure
            return fromPrimary.read();
        }, v -> v < 1.0);
        Verdict verdict = MigrationRun.goNoGo(plan, new ManualTimeSource());
        assertThat(verdict.go()).as(verdict.summary()).isTrue();
    }

    @Test
    void heartbeatLagOnTheReplicaRisesWhileReplayIsPausedAndFallsAfterResume() throws Exception {
        Databases.execute(primary, "DROP TABLE IF EXISTS sig_replica_hb");
        HeartbeatWriter writer = DatabaseSignals.on(primary).heartbeatWriter("sig_replica_hb", "replica-test");
        writer.beat(); // creates the table and the row on the primary
        Signal lag = DatabaseSignals.on(replica).heartbeatLag(writer); // beats on the primary before each read
        Signal plain = DatabaseSignals.on(replica).heartbeatLag("sig_replica_hb", "replica-test");
        AwaitCondition.until("the heartbeat to replicate", CAP, lag::read, v -> v < 1.0);

        Databases.execute(replica, "SELECT pg_wal_replay_pause()");
        double paused;
        try {
            paused = AwaitCondition.until("heartbeat lag above 2 s while replay is paused", CAP, lag::read,
                    v -> v > 2.0);
            assertThat(plain.read()).isGreaterThan(2.0); // the replica's row is just as old without the writer
        } finally {
            resumeReplay();
        }
        assertThat(paused).isGreaterThan(2.0);
        AwaitCondition.until("heartbeat lag back below 1 s after resume", CAP, lag::read, v -> v < 1.0);
    }
}
