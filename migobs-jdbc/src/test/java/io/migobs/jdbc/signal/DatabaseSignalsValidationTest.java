package io.migobs.jdbc.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.jdbc.testsupport.Databases;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseSignalsValidationTest {
    private final DataSource ds = Databases.h2Mem("sigvalidation");
    private final DatabaseSignals signals = DatabaseSignals.on(ds);

    @Test
    void nullDataSourceIsRejected() {
        assertThatThrownBy(() -> DatabaseSignals.on(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource cannot be null");
    }

    @Test
    void queryTimeoutDefaultsToFiveSeconds() {
        assertThat(signals.queryTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(signals.withQueryTimeout(Duration.ofSeconds(2)).queryTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S", "PT0.5S", "PT1.5S", "PT2H"})
    void queryTimeoutMustBeWholeSecondsBetweenOneSecondAndOneHour(String text) {
        Duration d = Duration.parse(text);
        assertThatThrownBy(() -> signals.withQueryTimeout(d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query timeout " + d).hasMessageContaining("whole number of seconds");
    }

    @Test
    void nullTimeoutAndTimeSourceAreRejected() {
        assertThatThrownBy(() -> signals.withQueryTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("query timeout cannot be null");
        assertThatThrownBy(() -> signals.withTimeSource(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("time source cannot be null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "orders; DROP TABLE x", "orders--", "\"orders\"", "a.b.c", "1orders", "or ders",
            "orders/*", "orders'", "`orders`", ".orders", "orders."})
    void tableNamesThatAreNotPlainIdentifiersAreRejectedEverywhere(String table) {
        assertThatThrownBy(() -> signals.postgresAutovacuumRunning(table))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table '" + table + "'");
        assertThatThrownBy(() -> signals.heartbeatWriter(table, "m1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat table '" + table + "'");
        assertThatThrownBy(() -> signals.heartbeatLag(table, "m1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat table '" + table + "'");
    }

    @Test
    void schemaQualifiedTableNamesAreAccepted() {
        assertThat(signals.postgresAutovacuumRunning("public.orders").source()).contains("public.orders");
        assertThat(signals.heartbeatWriter("app.migobs_heartbeat", "m1").table()).isEqualTo("app.migobs_heartbeat");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "x'; --", "é"})
    void heartbeatIdsAreValidated(String id) {
        assertThatThrownBy(() -> signals.heartbeatWriter("hb", id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeat id '" + id + "'");
        assertThatThrownBy(() -> signals.heartbeatLag("hb", id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeat id '" + id + "'");
    }

    @Test
    void nullTableOrIdOrWriterIsRejected() {
        assertThatThrownBy(() -> signals.heartbeatWriter(null, "m")).isInstanceOf(NullPointerException.class)
                .hasMessage("heartbeat table cannot be null");
        assertThatThrownBy(() -> signals.heartbeatLag("hb", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("heartbeat id cannot be null");
        assertThatThrownBy(() -> signals.heartbeatLag(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("heartbeat writer cannot be null");
        assertThatThrownBy(() -> signals.postgresAutovacuumRunning(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("table cannot be null");
    }

    @Test
    void querySignalArgumentsAreValidated() {
        assertThatThrownBy(() -> signals.query("bad name", "rows", "SELECT 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signal name 'bad name'");
        assertThatThrownBy(() -> signals.query(null, "rows", "SELECT 1")).isInstanceOf(NullPointerException.class)
                .hasMessage("signal name cannot be null");
        assertThatThrownBy(() -> signals.query("q", " ", "SELECT 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unit of signal 'q' cannot be blank");
        assertThatThrownBy(() -> signals.query("q", null, "SELECT 1")).isInstanceOf(NullPointerException.class)
                .hasMessage("unit of signal 'q' cannot be null");
        assertThatThrownBy(() -> signals.query("q", "rows", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sql of signal 'q' cannot be blank");
        assertThatThrownBy(() -> signals.query("q", "rows", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("sql of signal 'q' cannot be null");
    }

    @Test
    void expectedReplicasMustBePositive() {
        assertThatThrownBy(() -> signals.postgresReplayLagFromPrimary(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expectedReplicas must be at least 1 but was 0");
    }

    @Test
    void everySignalHasANameAUnitAndASource() {
        var all = List.of(signals.postgresReplayLagFromPrimary(), signals.postgresReplayLagOnReplica(),
                signals.postgresActiveConnections(), signals.postgresLockWaits(),
                signals.postgresAutovacuumRunning("orders"), signals.postgresLongestTransaction(),
                signals.mysqlThreadsRunning(), signals.mysqlReplicaLag(), signals.mysqlLockWaits(),
                signals.query("q", "rows", "SELECT 1"), signals.heartbeatLag("hb", "m1"));
        assertThat(all).allSatisfy(s -> {
            assertThat(s.name()).isNotBlank();
            assertThat(s.unit()).isNotBlank();
            assertThat(s.source()).isNotBlank().isNotEqualTo(s.name());
        });
        assertThat(all).extracting(s -> s.name()).contains("pg.replica.lag", "pg.replica.replay.lag",
                "mysql.replica.lag", "heartbeat.lag");
    }

    // --- the rows of SHOW REPLICA STATUS, as a MariaDB/MySQL replica returns them (the machine has no MySQL
    // replica; the NULL and "not a replica" cases are also tested on the real server in MariaDbSignalsTest).

    private static Map<String, String> status(String connection, String sbm, String io, String sql, String err) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("connection_name", connection);
        row.put("slave_io_running", io);
        row.put("slave_sql_running", sql);
        row.put("last_io_error", err);
        row.put("last_sql_error", "");
        row.put("seconds_behind_master", sbm);
        return row;
    }

    @Test
    void replicaLagIsSecondsBehindMasterAndTheMaximumOverConnections() {
        assertThat(DatabaseSignals.replicaLag("l", List.of(status("", "7", "Yes", "Yes", "")))).isEqualTo(7.0);
        assertThat(DatabaseSignals.replicaLag("l", List.of(status("a", "3", "Yes", "Yes", ""),
                status("b", "12", "Yes", "Yes", "")))).isEqualTo(12.0);
        Map<String, String> mysql8 = new LinkedHashMap<>();
        mysql8.put("replica_io_running", "Yes");
        mysql8.put("seconds_behind_source", "4");
        assertThat(DatabaseSignals.replicaLag("l", List.of(mysql8))).isEqualTo(4.0);
    }

    @Test
    void nullSecondsBehindMasterMeansBrokenReplicationAndThrows() {
        assertThatThrownBy(() -> DatabaseSignals.replicaLag("mysql.replica.lag", List.of(status("", null, "No",
                "Yes", "error connecting to master 'repl@db1:3306' - retry-time: 60 password=hunter2"))))
                .isInstanceOf(DatabaseSignalException.class)
                .hasMessageContaining("signal 'mysql.replica.lag'")
                .hasMessageContaining("replication is broken or stopped")
                .hasMessageContaining("I/O thread No, SQL thread Yes")
                .hasMessageContaining("last I/O error")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anEmptyReplicaStatusMeansNotAReplica() {
        assertThatThrownBy(() -> DatabaseSignals.replicaLag("l", List.of()))
                .isInstanceOf(DatabaseSignalException.class).hasMessageContaining("not a replica");
    }

    @Test
    void driverMessagesLoseJdbcUrlsAndPasswords() {
        String msg = JdbcSignal.redact("Connection to jdbc:postgresql://db.internal:5432/prod?user=app&password=s3cret"
                + " refused; password=s3cret; PWD: s3cret");
        assertThat(msg).doesNotContain("s3cret").doesNotContain("db.internal").contains("<jdbc-url>");
    }
}
