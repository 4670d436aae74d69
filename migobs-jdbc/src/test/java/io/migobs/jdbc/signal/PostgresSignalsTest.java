package io.migobs.jdbc.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.Signal;
import io.migobs.jdbc.testsupport.AwaitCondition;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.jdbc.testsupport.PgReplicaSupport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** PostgreSQL signals against the real server (and its replica for the lag signals). */
class PostgresSignalsTest {
    private static final Duration CAP = Duration.ofSeconds(20);
    private static DataSource pg;
    private static DatabaseSignals signals;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        pg = Databases.open(Databases.Kind.POSTGRESQL, "unused");
        signals = DatabaseSignals.on(pg).withQueryTimeout(Duration.ofSeconds(3));
        Databases.execute(pg, "DROP TABLE IF EXISTS sig_pg_t", "CREATE TABLE sig_pg_t (id INT PRIMARY KEY, v INT)",
                "INSERT INTO sig_pg_t VALUES (1, 0), (2, 0)");
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (pg != null) {
            Databases.execute(pg, "DROP TABLE IF EXISTS sig_pg_t");
        }
    }

    @Test
    void activeConnectionsCountSessionsRunningAStatement() throws Exception {
        Signal active = signals.postgresActiveConnections();
        assertThat(active.unit()).isEqualTo("sessions");
        List<Connection> sleepers = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Connection c = pg.getConnection();
                sleepers.add(c);
                running.add(pool.submit(() -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET application_name = 'migobs_sig_sleeper'");
                        s.execute("SELECT pg_sleep(60)");
                    }
                    return null;
                }));
            }
            AwaitCondition.until("3 sleepers active", CAP, () -> Databases.queryLong(pg,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migobs_sig_sleeper'"
                            + " AND state = 'active'"), n -> n == 3);
            assertThat(active.read()).isGreaterThanOrEqualTo(3.0);
        } finally {
            for (Connection c : sleepers) {
                cancelAndClose(c);
            }
        }
    }

    @Test
    void lockWaitsCountSessionsBlockedOnARowLock() throws Exception {
        Signal waits = signals.postgresLockWaits();
        try (Connection holder = pg.getConnection(); Connection waiter = pg.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("UPDATE sig_pg_t SET v = v + 1 WHERE id = 1");
            }
            Future<?> blocked = pool.submit(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.execute("SET application_name = 'migobs_sig_waiter'");
                    s.executeUpdate("UPDATE sig_pg_t SET v = v + 1 WHERE id = 1");
                }
                return null;
            });
            try {
                AwaitCondition.until("the waiter blocked on the row lock", CAP, () -> Databases.queryLong(pg,
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migobs_sig_waiter'"
                                + " AND wait_event_type = 'Lock'"), n -> n == 1);
                assertThat(waits.read()).isGreaterThanOrEqualTo(1.0);
            } finally {
                holder.rollback();
                blocked.get();
            }
        }
    }

    @Test
    void longestTransactionSeesAnIdleInTransactionSession() throws Exception {
        Signal longest = signals.postgresLongestTransaction();
        assertThat(longest.unit()).isEqualTo("seconds");
        try (Connection open = pg.getConnection()) {
            open.setAutoCommit(false);
            try (Statement s = open.createStatement()) {
                s.execute("SELECT 1"); // opens the transaction, then idles in it
            }
            double seen = AwaitCondition.until("the open transaction to be over 1 s old", CAP, longest::read,
                    v -> v > 1.0);
            assertThat(seen).isGreaterThan(1.0);
            open.rollback();
        }
    }

    @Test
    void autovacuumOnAQuietTableIsZeroAndAMissingTableIsUnknown() throws Exception {
        assertThat(signals.postgresAutovacuumRunning("sig_pg_t").read()).isEqualTo(0.0);
        assertThat(signals.postgresAutovacuumRunning("public.SIG_PG_T").read()).isEqualTo(0.0); // folded like PG
        assertThatThrownBy(() -> signals.postgresAutovacuumRunning("no_such_table").read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessage("signal 'pg.autovacuum.running': table \"no_such_table\" does not exist");
    }

    @Test
    void replicaSideLagOnThePrimaryIsUnknown() {
        assertThatThrownBy(() -> signals.postgresReplayLagOnReplica().read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessageContaining("not a replica (pg_is_in_recovery() is false)");
    }

    @Test
    void primarySideLagReadsTheStreamingReplica() throws Exception {
        PgReplicaSupport.open();
        Signal lag = signals.postgresReplayLagFromPrimary();
        assertThat(lag.read()).isGreaterThanOrEqualTo(0.0).isLessThan(60.0);
        assertThatThrownBy(() -> signals.postgresReplayLagFromPrimary(5).read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessageContaining("replica(s) streaming, 5 expected");
    }

    @Test
    void replicaSideLagOnTheReplicaReadsANumber() throws Exception {
        DataSource replica = PgReplicaSupport.open();
        double v = DatabaseSignals.on(replica).postgresReplayLagOnReplica().read();
        assertThat(v).isGreaterThanOrEqualTo(0.0);
        assertThatThrownBy(() -> DatabaseSignals.on(replica).postgresReplayLagFromPrimary().read())
                .isInstanceOf(DatabaseSignalException.class).hasMessageContaining("0 replica(s) streaming");
    }

    @Test
    void aUserWhoCannotSeeOtherSessionsGetsUnknownNotAReassuringZero() throws Exception {
        Databases.execute(pg, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'migobs_sig_nomon')"
                + " THEN CREATE ROLE migobs_sig_nomon LOGIN; END IF; END $$");
        PGSimpleDataSource limited = new PGSimpleDataSource();
        limited.setURL(Databases.pgUrl());
        limited.setUser("migobs_sig_nomon");
        DatabaseSignals weak = DatabaseSignals.on(limited);
        try (Connection other = pg.getConnection()) { // a postgres session the limited user cannot inspect
            assertThatThrownBy(() -> weak.postgresActiveConnections().read())
                    .isInstanceOf(DatabaseSignalException.class).hasMessageContaining("hides other users")
                    .hasMessageContaining("pg_monitor");
            assertThatThrownBy(() -> weak.postgresLockWaits().read())
                    .isInstanceOf(DatabaseSignalException.class).hasMessageContaining("hides other users");
            assertThatThrownBy(() -> weak.postgresLongestTransaction().read())
                    .isInstanceOf(DatabaseSignalException.class).hasMessageContaining("hides other users");
            assertThatThrownBy(() -> weak.postgresReplayLagFromPrimary().read())
                    .isInstanceOf(DatabaseSignalException.class)
                    .hasMessageContaining("pg_stat_replication hides other users");
            assertThat(other.isValid(1)).isTrue();
        }
    }

    @Test
    void aSlowQueryIsCancelledByTheQueryTimeout() {
        Signal slow = signals.withQueryTimeout(Duration.ofSeconds(1)).query("pg.slow", "seconds",
                "SELECT 1 FROM pg_sleep(30)");
        assertThatThrownBy(slow::read).isInstanceOf(DatabaseSignalException.class)
                .hasMessageContaining("signal 'pg.slow': query timed out or was cancelled (timeout 1 s)")
                .hasMessageContaining("SQLState 57014");
    }

    @Test
    void userQuerySignalOnPostgres() throws Exception {
        assertThat(signals.query("pg.rows", "rows", "SELECT count(*) FROM sig_pg_t").read()).isEqualTo(2.0);
        assertThatThrownBy(() -> signals.query("pg.two", "rows", "SELECT 1; SELECT 2").read())
                .isInstanceOf(DatabaseSignalException.class).hasMessageContaining("signal 'pg.two': query failed");
    }

    private static void cancelAndClose(Connection c) {
        try {
            c.unwrap(org.postgresql.PGConnection.class).cancelQuery();
        } catch (SQLException e) {
            // already finished
        }
        try {
            c.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
