package io.migobs.jdbc.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.Signal;
import io.migobs.jdbc.testsupport.AwaitCondition;
import io.migobs.jdbc.testsupport.Databases;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MariaDB/MySQL signals against the real server. */
class MariaDbSignalsTest {
    private static final Duration CAP = Duration.ofSeconds(20);
    private static DataSource db;
    private static DatabaseSignals signals;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        db = Databases.open(Databases.Kind.MARIADB, "unused");
        signals = DatabaseSignals.on(db).withQueryTimeout(Duration.ofSeconds(3));
        Databases.execute(db, "DROP TABLE IF EXISTS sig_my_t",
                "CREATE TABLE sig_my_t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB",
                "INSERT INTO sig_my_t VALUES (1, 0), (2, 0)");
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (db != null) {
            Databases.execute(db, "DROP TABLE IF EXISTS sig_my_t");
        }
    }

    @Test
    void threadsRunningCountsAtLeastTheReadingThread() throws Exception {
        Signal running = signals.mysqlThreadsRunning();
        assertThat(running.unit()).isEqualTo("threads");
        assertThat(running.read()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void threadsRunningRisesWithSleepingStatements() throws Exception {
        Signal running = signals.mysqlThreadsRunning();
        try (Connection a = db.getConnection(); Connection b = db.getConnection()) {
            long ida = connectionId(a);
            long idb = connectionId(b);
            Future<?> fa = pool.submit(() -> sleep(a));
            Future<?> fb = pool.submit(() -> sleep(b));
            try {
                AwaitCondition.until("two SLEEP statements", CAP, () -> Databases.queryLong(db,
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(30)%'"),
                        n -> n == 2);
                assertThat(running.read()).isGreaterThanOrEqualTo(3.0); // two sleepers and the reader
            } finally {
                Databases.execute(db, "KILL QUERY " + ida, "KILL QUERY " + idb);
                fa.get();
                fb.get();
            }
        }
    }

    private static Object sleep(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT SLEEP(30)");
        } catch (java.sql.SQLException e) {
            // killed by the test
        }
        return null;
    }

    private static long connectionId(Connection c) throws Exception {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void lockWaitsCountATransactionBlockedOnARowLock() throws Exception {
        Signal waits = signals.mysqlLockWaits();
        try (Connection holder = db.getConnection(); Connection waiter = db.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("UPDATE sig_my_t SET v = v + 1 WHERE id = 1");
            }
            long waiterId = connectionId(waiter);
            Future<?> blocked = pool.submit(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.executeUpdate("UPDATE sig_my_t SET v = v + 1 WHERE id = 1");
                }
                return null;
            });
            try {
                AwaitCondition.until("the waiter in LOCK WAIT", CAP, () -> Databases.queryLong(db,
                        "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'"
                                + " AND trx_mysql_thread_id = " + waiterId), n -> n == 1);
                assertThat(waits.read()).isGreaterThanOrEqualTo(1.0);
            } finally {
                holder.rollback();
                blocked.get();
            }
        }
    }

    @Test
    void replicaLagOnAServerThatIsNotAReplicaIsUnknown() {
        Assumptions.assumeTrue(Databases.rows(db, "SHOW REPLICA STATUS").isEmpty(),
                "the server is configured as a replica");
        assertThatThrownBy(() -> signals.mysqlReplicaLag().read()).isInstanceOf(DatabaseSignalException.class)
                .hasMessage("signal 'mysql.replica.lag': the server is not a replica (SHOW REPLICA STATUS is empty)");
    }

    @Test
    void replicaLagWithBrokenReplicationIsUnknownNamingTheThreads() {
        Assumptions.assumeTrue(Databases.rows(db, "SHOW REPLICA STATUS").isEmpty(),
                "the server is configured as a replica");
        // A replication source that can never be reached: Seconds_Behind_Master is NULL, as when replication breaks.
        Databases.execute(db, "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = 1,"
                + " MASTER_USER = 'migobs_nobody', MASTER_PASSWORD = 'not-a-secret-7'");
        try {
            assertThatThrownBy(() -> signals.mysqlReplicaLag().read()).isInstanceOf(DatabaseSignalException.class)
                    .hasMessageContaining("replication is broken or stopped: Seconds_Behind_Master is NULL")
                    .hasMessageContaining("I/O thread No, SQL thread No")
                    .hasMessageNotContaining("not-a-secret-7");
        } finally {
            Databases.execute(db, "RESET SLAVE ALL");
        }
    }

    @Test
    void userQuerySignalOnMariaDb() throws Exception {
        assertThat(signals.query("my.rows", "rows", "SELECT COUNT(*) FROM sig_my_t").read()).isEqualTo(2.0);
        assertThatThrownBy(() -> signals.query("my.null", "rows", "SELECT NULL").read())
                .isInstanceOf(DatabaseSignalException.class).hasMessage("signal 'my.null': query returned NULL");
    }

    @Test
    void heartbeatTableOnMariaDb() throws Exception {
        Databases.execute(db, "DROP TABLE IF EXISTS sig_my_hb");
        io.migobs.testing.ManualTimeSource clock = new io.migobs.testing.ManualTimeSource();
        DatabaseSignals s = signals.withTimeSource(clock);
        s.heartbeatWriter("sig_my_hb", "m").beat();
        clock.advance(Duration.ofSeconds(2));
        assertThat(s.heartbeatLag("sig_my_hb", "m").read()).isEqualTo(2.0);
        s.heartbeatWriter("sig_my_hb", "m").beat();
        assertThat(s.heartbeatLag("sig_my_hb", "m").read()).isEqualTo(0.0);
        Databases.execute(db, "DROP TABLE IF EXISTS sig_my_hb");
    }
}
