package io.migobs.jdbc.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.Signal;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The database-independent signals, on H2 (in memory and on file). */
class GenericSignalsTest {
    private static DataSource ds;

    @BeforeAll
    static void setUp() {
        ds = Databases.h2Mem("sig_generic");
        Databases.execute(ds, "CREATE TABLE IF NOT EXISTS sig_generic_t (id INT PRIMARY KEY, v INT, s VARCHAR(10))",
                "DELETE FROM sig_generic_t", "INSERT INTO sig_generic_t VALUES (1, 10, 'x'), (2, NULL, 'y')");
    }

    private Signal query(String sql) {
        return DatabaseSignals.on(ds).query("q.test", "rows", sql);
    }

    @Test
    void aSingleNumericCellIsTheValue() throws Exception {
        assertThat(query("SELECT COUNT(*) FROM sig_generic_t").read()).isEqualTo(2.0);
        assertThat(query("SELECT 2.5").read()).isEqualTo(2.5);
        assertThat(query("SELECT TRUE").read()).isEqualTo(1.0);
        Signal s = query("SELECT v FROM sig_generic_t WHERE id = 1");
        assertThat(s.name()).isEqualTo("q.test");
        assertThat(s.unit()).isEqualTo("rows");
        assertThat(s.source()).isEqualTo("SQL: SELECT v FROM sig_generic_t WHERE id = 1");
        assertThat(s.read()).isEqualTo(10.0);
    }

    @Test
    void noRowIsAnError() {
        assertThatThrownBy(() -> query("SELECT v FROM sig_generic_t WHERE id = 99").read())
                .isInstanceOf(DatabaseSignalException.class).hasMessage("signal 'q.test': query returned no row");
    }

    @Test
    void twoRowsAreAnError() {
        assertThatThrownBy(() -> query("SELECT id FROM sig_generic_t").read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessage("signal 'q.test': query must return one row but returned more");
    }

    @Test
    void twoColumnsAreAnError() {
        assertThatThrownBy(() -> query("SELECT id, v FROM sig_generic_t WHERE id = 1").read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessage("signal 'q.test': query must return one column but returned 2");
    }

    @Test
    void nullIsAnErrorNotZero() {
        assertThatThrownBy(() -> query("SELECT v FROM sig_generic_t WHERE id = 2").read())
                .isInstanceOf(DatabaseSignalException.class).hasMessage("signal 'q.test': query returned NULL");
    }

    @Test
    void textIsAnError() {
        assertThatThrownBy(() -> query("SELECT s FROM sig_generic_t WHERE id = 1").read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessage("signal 'q.test': query must return a number but returned a String");
    }

    @Test
    void aFailingQueryNamesTheSignalAndTheSqlState() {
        assertThatThrownBy(() -> query("SELECT x FROM no_such_table").read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessageStartingWith("signal 'q.test': query failed: JdbcSQLSyntaxErrorException SQLState 42S02")
                .hasCauseInstanceOf(SQLException.class);
    }

    @Test
    void aConnectionFailureKeepsTheUrlAndPasswordOutOfTheMessage() {
        DataSource broken = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    if (m.getName().equals("getConnection")) {
                        throw new SQLTransientConnectionException("cannot connect to "
                                + "jdbc:postgresql://db.prod:5432/app?password=topsecret", "08001");
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        assertThatThrownBy(() -> DatabaseSignals.on(broken).query("q.test", "rows", "SELECT 1").read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessageContaining("SQLState 08001")
                .hasMessageNotContaining("topsecret").hasMessageNotContaining("db.prod")
                .hasMessageNotContaining("jdbc:postgresql");
    }

    @Test
    void aConnectionWithoutAutoCommitIsRolledBackNotLeftOpen() throws Exception {
        DataSource h2 = Databases.h2Mem("sig_generic_nac");
        Databases.execute(h2, "CREATE TABLE IF NOT EXISTS nac (id INT)");
        java.util.concurrent.atomic.AtomicInteger rollbacks = new java.util.concurrent.atomic.AtomicInteger();
        DataSource manual = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    if (m.getName().equals("getConnection")) {
                        java.sql.Connection real = h2.getConnection();
                        real.setAutoCommit(false);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {java.sql.Connection.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("rollback") && a2 == null) {
                                        rollbacks.incrementAndGet();
                                    }
                                    return m2.invoke(real, a2);
                                });
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        assertThat(DatabaseSignals.on(manual).query("q.nac", "rows", "SELECT COUNT(*) FROM nac").read())
                .isEqualTo(0.0);
        assertThat(rollbacks).hasValue(1);
    }

    // ------------------------------------------------------------------------------------------------ heartbeat

    @Test
    void heartbeatLagIsNowMinusTheLastBeat() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        DatabaseSignals db = DatabaseSignals.on(Databases.h2Mem("sig_hb1")).withTimeSource(clock);
        HeartbeatWriter writer = db.heartbeatWriter("migobs_heartbeat", "orders-backfill");
        Signal lag = db.heartbeatLag("migobs_heartbeat", "orders-backfill");
        long written = writer.beat();
        assertThat(written).isEqualTo(clock.wallTimeMillis());
        assertThat(lag.read()).isEqualTo(0.0);
        clock.advance(Duration.ofMillis(4_250));
        assertThat(lag.read()).isEqualTo(4.25);
        writer.beat();
        assertThat(lag.read()).isEqualTo(0.0);
        assertThat(lag.unit()).isEqualTo("seconds");
        assertThat(lag.name()).isEqualTo("heartbeat.lag");
    }

    @Test
    void heartbeatRowsOfDifferentIdsAreIndependent() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        DatabaseSignals db = DatabaseSignals.on(Databases.h2Mem("sig_hb2")).withTimeSource(clock);
        db.heartbeatWriter("hb", "a").beat();
        clock.advance(Duration.ofSeconds(3));
        db.heartbeatWriter("hb", "b").beat();
        assertThat(db.heartbeatLag("hb", "a").read()).isEqualTo(3.0);
        assertThat(db.heartbeatLag("hb", "b").read()).isEqualTo(0.0);
        assertThat(Databases.queryLong(Databases.h2Mem("sig_hb2"), "SELECT COUNT(*) FROM hb")).isEqualTo(2);
    }

    @Test
    void aWriterAttachedToTheReaderBeatsBeforeEachRead() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        DataSource h2 = Databases.h2Mem("sig_hb3");
        DatabaseSignals db = DatabaseSignals.on(h2).withTimeSource(clock);
        HeartbeatWriter writer = db.heartbeatWriter("hb", "m");
        Signal lag = db.heartbeatLag(writer);
        assertThat(lag.read()).isEqualTo(0.0); // creates the table, beats, reads its own beat back
        clock.advance(Duration.ofSeconds(10));
        assertThat(lag.read()).isEqualTo(0.0); // beat again: same database, nothing is behind
        assertThat(Databases.queryLong(h2, "SELECT beat_millis FROM hb WHERE id = 'm'"))
                .isEqualTo(clock.wallTimeMillis());
    }

    @Test
    void withAttachedWriterTheLagIsTheAgeOfTheOldestUnappliedBeat() {
        ManualTimeSource clock = new ManualTimeSource();
        HeartbeatWriter writer = DatabaseSignals.on(Databases.h2Mem("sig_hb4")).withTimeSource(clock)
                .heartbeatWriter("hb", "m");
        long b1 = writer.beat();
        clock.advance(Duration.ofSeconds(1));
        long b2 = writer.beat();
        clock.advance(Duration.ofSeconds(1));
        long b3 = writer.beat();
        assertThat(writer.firstBeatAfter(b1)).isEqualTo(b2); // a replica showing b1 has not applied b2
        assertThat(writer.firstBeatAfter(b2)).isEqualTo(b3);
        assertThat(writer.firstBeatAfter(b3)).isEqualTo(Long.MAX_VALUE); // has everything
        assertThat(writer.firstBeatAfter(b1 - 1)).isEqualTo(Long.MIN_VALUE); // older than the history
    }

    @Test
    void aMissingHeartbeatRowOrTableIsUnknownNotZero() {
        DatabaseSignals db = DatabaseSignals.on(Databases.h2Mem("sig_hb5"));
        assertThatThrownBy(() -> db.heartbeatLag("hb_absent", "m").read())
                .isInstanceOf(DatabaseSignalException.class).hasMessageContaining("signal 'heartbeat.lag'")
                .hasMessageContaining("SQLState 42");
        db.heartbeatWriter("hb", "other").beat();
        assertThatThrownBy(() -> db.heartbeatLag("hb", "m").read())
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessageContaining("no heartbeat row with id 'm' in hb");
    }

    @Test
    void heartbeatWorksOnAnH2FileDatabaseAcrossDataSources() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        DataSource file = Databases.open(Databases.Kind.H2_FILE, "sig_hb_file");
        Databases.execute(file, "DROP TABLE IF EXISTS hb_file");
        DatabaseSignals.on(file).withTimeSource(clock).heartbeatWriter("hb_file", "m").beat();
        clock.advance(Duration.ofMillis(1500));
        DataSource other = Databases.open(Databases.Kind.H2_FILE, "sig_hb_file");
        assertThat(DatabaseSignals.on(other).withTimeSource(clock).heartbeatLag("hb_file", "m").read())
                .isEqualTo(1.5);
    }
}
