package io.migobs.jdbc.signal;

import io.migobs.Signal;
import io.migobs.Signals;
import io.migobs.TimeSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Database health signals for gates, read from a {@link DataSource}: replica lag, load, lock waits, long
 * transactions, autovacuum and heartbeat lag on PostgreSQL and MariaDB/MySQL, and any SQL query.
 *
 * <pre>{@code
 * DatabaseSignals primary = DatabaseSignals.on(primaryDataSource);
 * Gate lag = Gate.builder("replica.lag", primary.postgresReplayLagFromPrimary())
 *         .yellowAbove(5).redAbove(30).build();
 * Gate locks = Gate.builder("lock.waits", primary.postgresLockWaits()).yellowAbove(2).redAbove(10).build();
 * }</pre>
 *
 * <p>Each read borrows a connection, runs one query with the {@linkplain #withQueryTimeout(Duration) query
 * timeout} (default 5 s), rolls back if the connection was not in auto-commit, and returns the connection. A read
 * that cannot give an honest number throws {@link DatabaseSignalException}, which a gate reads as UNKNOWN — never
 * as a reassuring zero. Messages never contain a JDBC URL or a password. The monitoring views need privileges: on
 * PostgreSQL grant {@code pg_monitor} (the signals refuse to read views whose rows are hidden from the user), on
 * MariaDB/MySQL {@code PROCESS} and {@code REPLICATION CLIENT}/{@code SLAVE MONITOR}.
 *
 * <p>Immutable and thread-safe; so are the signals it returns.
 */
public final class DatabaseSignals {

    /** Default bound on one signal query: 5 seconds. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** Unit of connection and session counts. */
    public static final String SESSIONS = "sessions";
    /** Unit of thread counts. */
    public static final String THREADS = "threads";
    /** Unit of vacuum worker counts. */
    public static final String WORKERS = "workers";

    /** Whether the user sees every row of the statistics views (superusers are members of every role). */
    private static final String CAN_READ_ALL_STATS =
            "pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')";
    private static final Pattern SIGNAL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern HEARTBEAT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final DataSource dataSource;
    private final Duration queryTimeout;
    private final TimeSource time;

    private DatabaseSignals(DataSource dataSource, Duration queryTimeout, TimeSource time) {
        this.dataSource = dataSource;
        this.queryTimeout = queryTimeout;
        this.time = time;
    }

    /**
     * Signals read from this DataSource, with the default query timeout and the system clock.
     *
     * @param dataSource where connections come from (a pool is best; a connection is borrowed per read)
     * @return the factory
     * @throws NullPointerException if dataSource is null
     */
    public static DatabaseSignals on(DataSource dataSource) {
        if (dataSource == null) {
            throw new NullPointerException("dataSource cannot be null");
        }
        return new DatabaseSignals(dataSource, DEFAULT_QUERY_TIMEOUT, TimeSource.system());
    }

    /**
     * A copy with another bound on each query (JDBC's {@code Statement.setQueryTimeout}, whole seconds). Keep it
     * below the gate's read timeout so the database cancels the query before the gate gives up on it.
     *
     * @param timeout a whole number of seconds, 1 s to 1 h; default 5 s
     * @return a new factory
     * @throws NullPointerException if timeout is null
     * @throws IllegalArgumentException if not a whole number of seconds between 1 s and 1 h
     */
    public DatabaseSignals withQueryTimeout(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("query timeout cannot be null");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0
                || timeout.getNano() != 0) {
            throw new IllegalArgumentException("query timeout " + timeout
                    + " must be a whole number of seconds between 1 s and 1 h (JDBC's unit)");
        }
        return new DatabaseSignals(dataSource, timeout, time);
    }

    /**
     * A copy whose heartbeat writers and readers use this clock (its wall time) instead of the system clock.
     * Writer and reader must share a clock.
     *
     * @param timeSource the clock
     * @return a new factory
     * @throws NullPointerException if timeSource is null
     */
    public DatabaseSignals withTimeSource(TimeSource timeSource) {
        if (timeSource == null) {
            throw new NullPointerException("time source cannot be null");
        }
        return new DatabaseSignals(dataSource, queryTimeout, timeSource);
    }

    /** @return the bound on each query (default 5 s) */
    public Duration queryTimeout() {
        return queryTimeout;
    }

    private int timeout() {
        return (int) queryTimeout.getSeconds();
    }

    // ------------------------------------------------------------------------------------------------ PostgreSQL

    /**
     * Replica replay lag seen from a PostgreSQL primary: the largest {@code pg_stat_replication.replay_lag} over
     * its streaming replicas, in seconds. A caught-up replica on an idle primary reports NULL there, read as 0. A
     * stuck replica's lag keeps growing (PostgreSQL interpolates it from the WAL it has not replayed).
     *
     * <p>Throws (UNKNOWN) when no replica is streaming, or when the user cannot see the replication rows (grant
     * {@code pg_monitor}).
     *
     * @return the signal {@code pg.replica.lag}, unit seconds
     */
    public Signal postgresReplayLagFromPrimary() {
        return postgresReplayLagFromPrimary(1);
    }

    /**
     * Like {@link #postgresReplayLagFromPrimary()}, but UNKNOWN unless at least {@code expectedReplicas} replicas
     * are streaming: a replica that disconnected has unbounded lag, not none.
     *
     * @param expectedReplicas at least 1
     * @return the signal {@code pg.replica.lag}, unit seconds
     * @throws IllegalArgumentException if expectedReplicas is below 1
     */
    public Signal postgresReplayLagFromPrimary(int expectedReplicas) {
        if (expectedReplicas < 1) {
            throw new IllegalArgumentException("expectedReplicas must be at least 1 but was " + expectedReplicas);
        }
        String name = "pg.replica.lag";
        String sql = "SELECT count(*), " + CAN_READ_ALL_STATS + ","
                + " count(*) FILTER (WHERE state = 'streaming'),"
                + " max(extract(epoch FROM replay_lag)) FILTER (WHERE state = 'streaming')"
                + " FROM pg_stat_replication";
        return signal(name, Signals.SECONDS, "PostgreSQL primary: max(pg_stat_replication.replay_lag) over "
                + "streaming replicas (NULL = caught up = 0; fewer than " + expectedReplicas + " streaming = unknown)",
                (c, t) -> {
                    try (Statement st = c.createStatement()) {
                        st.setQueryTimeout(t);
                        try (ResultSet rs = st.executeQuery(sql)) {
                            rs.next();
                            long all = rs.getLong(1);
                            boolean privileged = rs.getBoolean(2);
                            long streaming = rs.getLong(3);
                            double lag = rs.getDouble(4);
                            boolean caughtUp = rs.wasNull();
                            if (!privileged) {
                                throw hidden(name, "pg_stat_replication");
                            }
                            if (streaming < expectedReplicas) {
                                throw new DatabaseSignalException(name, streaming + " replica(s) streaming, "
                                        + expectedReplicas + " expected (" + all + " WAL sender(s) in"
                                        + " pg_stat_replication): lag of a disconnected replica is unknown", null);
                            }
                            return caughtUp ? 0 : lag;
                        }
                    }
                });
    }

    /**
     * Replay lag measured on a PostgreSQL replica: {@code clock_timestamp() - pg_last_xact_replay_timestamp()},
     * in seconds — but 0 when everything received has been replayed ({@code pg_last_wal_receive_lsn() =
     * pg_last_wal_replay_lsn()}): on an idle primary the last replayed commit grows old although nothing is
     * behind. While behind after a long idle period the value is an upper bound (the age of the last replayed
     * commit, not of the oldest unreplayed one). The primary's and the replica's clocks must agree; a replica
     * clock behind the primary's can give a negative value, which a gate reads as UNKNOWN.
     *
     * <p>Throws (UNKNOWN) when the server is not a replica, its WAL receiver is not streaming (a disconnected
     * replica has replayed all it received yet falls behind), the user cannot see the WAL receiver (grant
     * {@code pg_monitor}), or it is behind but has replayed no transaction since it started.
     *
     * @return the signal {@code pg.replica.replay.lag}, unit seconds
     */
    public Signal postgresReplayLagOnReplica() {
        String name = "pg.replica.replay.lag";
        String sql = "SELECT pg_is_in_recovery(),"
                + " (SELECT count(*) FROM pg_stat_wal_receiver), " + CAN_READ_ALL_STATS + ","
                + " (SELECT status FROM pg_stat_wal_receiver LIMIT 1),"
                + " pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),"
                + " extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()),"
                + " pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text";
        return signal(name, Signals.SECONDS, "PostgreSQL replica: now() - pg_last_xact_replay_timestamp(), 0 when"
                + " pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()", (c, t) -> {
                    try (Statement st = c.createStatement()) {
                        st.setQueryTimeout(t);
                        try (ResultSet rs = st.executeQuery(sql)) {
                            rs.next();
                            if (!rs.getBoolean(1)) {
                                throw new DatabaseSignalException(name, "the server is not a replica"
                                        + " (pg_is_in_recovery() is false)", null);
                            }
                            if (rs.getLong(2) == 0) {
                                throw new DatabaseSignalException(name, "the replica has no WAL receiver: it is not"
                                        + " streaming from a primary", null);
                            }
                            if (!rs.getBoolean(3)) {
                                throw hidden(name, "pg_stat_wal_receiver");
                            }
                            String status = rs.getString(4);
                            if (!"streaming".equals(status)) {
                                throw new DatabaseSignalException(name, "the WAL receiver is '" + status
                                        + "', not streaming", null);
                            }
                            boolean caughtUp = rs.getBoolean(5) && !rs.wasNull();
                            if (caughtUp) {
                                return 0;
                            }
                            double age = rs.getDouble(6);
                            if (rs.wasNull()) {
                                throw new DatabaseSignalException(name, "behind (received " + rs.getString(7)
                                        + ", replayed " + rs.getString(8) + ") but no transaction replayed since"
                                        + " the replica started: lag unknown", null);
                            }
                            return age;
                        }
                    }
                });
    }

    /**
     * Sessions running a statement right now on the whole PostgreSQL server ({@code pg_stat_activity}, client
     * backends with {@code state = 'active'}, not counting the signal's own connection).
     *
     * @return the signal {@code pg.connections.active}, unit {@link #SESSIONS}
     */
    public Signal postgresActiveConnections() {
        return activity("pg.connections.active", SESSIONS, "count(*) FILTER (WHERE state = 'active')",
                "PostgreSQL: pg_stat_activity client backends in state 'active'");
    }

    /**
     * Sessions waiting for a lock on the whole PostgreSQL server ({@code pg_stat_activity.wait_event_type =
     * 'Lock'}: row, table and transaction locks, not lightweight locks).
     *
     * @return the signal {@code pg.lock.waits}, unit {@link #SESSIONS}
     */
    public Signal postgresLockWaits() {
        return activity("pg.lock.waits", SESSIONS, "count(*) FILTER (WHERE wait_event_type = 'Lock')",
                "PostgreSQL: pg_stat_activity sessions with wait_event_type 'Lock'");
    }

    /**
     * Age of the oldest open transaction of any client session on the PostgreSQL server, in seconds (0 when none):
     * {@code clock_timestamp() - xact_start}, including sessions idle in transaction. A long transaction holds back
     * vacuum and can hold the locks a migration needs.
     *
     * @return the signal {@code pg.transaction.longest}, unit seconds
     */
    public Signal postgresLongestTransaction() {
        return activity("pg.transaction.longest", Signals.SECONDS,
                "coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0)",
                "PostgreSQL: max(now() - pg_stat_activity.xact_start) over client backends");
    }

    private static DatabaseSignalException hidden(String name, String view) {
        return new DatabaseSignalException(name, view + " hides other users' sessions from this user, so the value"
                + " would be too low; grant it pg_monitor (or pg_read_all_stats)", null);
    }

    private Signal activity(String name, String unit, String expression, String source) {
        String sql = "SELECT " + expression + ", " + CAN_READ_ALL_STATS + " FROM pg_stat_activity"
                + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()";
        return signal(name, unit, source, (c, t) -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(t);
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    double v = rs.getDouble(1);
                    if (!rs.getBoolean(2)) {
                        throw hidden(name, "pg_stat_activity");
                    }
                    return v;
                }
            }
        });
    }

    /**
     * Autovacuum workers processing the table right now (0 or 1; {@code pg_stat_progress_vacuum} joined with
     * {@code pg_stat_activity.backend_type = 'autovacuum worker'}). An autovacuum on the target table competes
     * with the backfill for I/O and signals churn; one preventing wraparound will not yield its lock to DDL.
     *
     * <p>Throws (UNKNOWN) when the table does not exist.
     *
     * @param table {@code table} or {@code schema.table}, a plain identifier (folded to lower case like PostgreSQL
     *        does for unquoted names)
     * @return the signal {@code pg.autovacuum.running}, unit {@link #WORKERS}
     * @throws NullPointerException if table is null
     * @throws IllegalArgumentException if table is not a plain identifier
     */
    public Signal postgresAutovacuumRunning(String table) {
        List<String> parts = SqlNames.parse(table, "table");
        String name = "pg.autovacuum.running";
        String sql = "SELECT to_regclass(?)::oid, (SELECT count(*) FROM pg_stat_progress_vacuum p"
                + " JOIN pg_stat_activity a ON a.pid = p.pid"
                + " WHERE p.relid = to_regclass(?) AND a.backend_type = 'autovacuum worker')";
        return signal(name, WORKERS, "PostgreSQL: pg_stat_progress_vacuum by autovacuum workers on " + table,
                (c, t) -> {
                    String quoted = SqlNames.quote(c, parts);
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setQueryTimeout(t);
                        ps.setString(1, quoted);
                        ps.setString(2, quoted);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            rs.getLong(1);
                            if (rs.wasNull()) {
                                throw new DatabaseSignalException(name, "table " + quoted + " does not exist", null);
                            }
                            return rs.getLong(2);
                        }
                    }
                });
    }

    // ------------------------------------------------------------------------------------------------ MariaDB/MySQL

    /**
     * MariaDB/MySQL {@code Threads_running} ({@code SHOW GLOBAL STATUS}): threads executing a statement, including
     * the one reading it — the load measure gh-ost's {@code --max-load} uses.
     *
     * @return the signal {@code mysql.threads.running}, unit {@link #THREADS}
     */
    public Signal mysqlThreadsRunning() {
        String name = "mysql.threads.running";
        return signal(name, THREADS, "MariaDB/MySQL: SHOW GLOBAL STATUS LIKE 'Threads_running'", (c, t) -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(t);
                try (ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_running'")) {
                    if (!rs.next()) {
                        throw new DatabaseSignalException(name, "SHOW GLOBAL STATUS has no Threads_running", null);
                    }
                    return Double.parseDouble(rs.getString(2).trim());
                }
            }
        });
    }

    /**
     * Replica lag on a MariaDB/MySQL replica: {@code Seconds_Behind_Master} (or {@code Seconds_Behind_Source}) of
     * {@code SHOW REPLICA STATUS}, falling back to {@code SHOW SLAVE STATUS} on servers that do not know the new
     * syntax. Several rows (multi-source): the largest.
     *
     * <p>Throws (UNKNOWN) when the server is not a replica, or when the value is NULL: replication is broken or
     * stopped (the message names the I/O and SQL thread states and the last error). Note that
     * {@code Seconds_Behind_Master} measures the SQL thread against the relay log, not against the primary; prefer
     * a {@linkplain #heartbeatLag(String, String) heartbeat} where that matters.
     *
     * @return the signal {@code mysql.replica.lag}, unit seconds
     */
    public Signal mysqlReplicaLag() {
        String name = "mysql.replica.lag";
        return signal(name, Signals.SECONDS, "MariaDB/MySQL replica: SHOW REPLICA STATUS Seconds_Behind_Master"
                + " (NULL = replication broken = unknown)", (c, t) -> replicaLag(name, replicaStatus(c, t)));
    }

    private static List<Map<String, String>> replicaStatus(Connection c, int t) throws SQLException {
        try {
            return rows(c, t, "SHOW REPLICA STATUS");
        } catch (SQLException e) {
            // Before MariaDB 10.5.1 / MySQL 8.0.22: syntax error (42000 / 1064).
            if (!"42000".equals(e.getSQLState()) && e.getErrorCode() != 1064) {
                throw e;
            }
            return rows(c, t, "SHOW SLAVE STATUS");
        }
    }

    private static List<Map<String, String>> rows(Connection c, int t, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(t);
            try (ResultSet rs = st.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, String>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getString(i));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    /** The lag of a replica status result; package-private for tests of the rows a real replica returns. */
    static double replicaLag(String name, List<Map<String, String>> rows) {
        if (rows.isEmpty()) {
            throw new DatabaseSignalException(name, "the server is not a replica (SHOW REPLICA STATUS is empty)",
                    null);
        }
        double max = 0;
        for (Map<String, String> row : rows) {
            boolean hasColumn = row.containsKey("seconds_behind_master") || row.containsKey("seconds_behind_source");
            String v = row.containsKey("seconds_behind_master") ? row.get("seconds_behind_master")
                    : row.get("seconds_behind_source");
            if (!hasColumn) {
                throw new DatabaseSignalException(name, "SHOW REPLICA STATUS has no Seconds_Behind_Master column",
                        null);
            }
            String connection = first(row, "connection_name", "channel_name");
            if (v == null) {
                throw new DatabaseSignalException(name, "replication is broken or stopped"
                        + (connection == null || connection.isEmpty() ? "" : " on connection '" + connection + "'")
                        + ": Seconds_Behind_Master is NULL (I/O thread " + first(row, "slave_io_running",
                        "replica_io_running") + ", SQL thread " + first(row, "slave_sql_running", "replica_sql_running")
                        + lastError(row) + ")", null);
            }
            max = Math.max(max, Double.parseDouble(v.trim()));
        }
        return max;
    }

    private static String lastError(Map<String, String> row) {
        String io = first(row, "last_io_error");
        String sql = first(row, "last_sql_error");
        StringBuilder sb = new StringBuilder();
        if (io != null && !io.isBlank()) {
            sb.append("; last I/O error: ").append(JdbcSignal.redact(io));
        }
        if (sql != null && !sql.isBlank()) {
            sb.append("; last SQL error: ").append(JdbcSignal.redact(sql));
        }
        return sb.toString();
    }

    private static String first(Map<String, String> row, String... keys) {
        for (String k : keys) {
            if (row.containsKey(k)) {
                return row.get(k);
            }
        }
        return null;
    }

    /**
     * Transactions waiting for a lock on a MariaDB/MySQL server: InnoDB row-lock waits
     * ({@code information_schema.INNODB_TRX.trx_state = 'LOCK WAIT'}) plus sessions waiting for a metadata lock
     * ({@code information_schema.PROCESSLIST}), the lock an online DDL queues behind. Needs the {@code PROCESS}
     * privilege; without it the read fails (UNKNOWN) rather than count only the user's own sessions.
     *
     * @return the signal {@code mysql.lock.waits}, unit {@link #SESSIONS}
     */
    public Signal mysqlLockWaits() {
        return query("mysql.lock.waits", SESSIONS,
                "SELECT (SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT')"
                        + " + (SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE STATE LIKE 'Waiting for%metadata lock')",
                "MariaDB/MySQL: information_schema.INNODB_TRX in LOCK WAIT + PROCESSLIST waiting for a metadata lock");
    }

    // ------------------------------------------------------------------------------------------------ any database

    /**
     * A signal from the user's SQL query, which must return exactly one row with one numeric (or boolean, read as
     * 1/0) non-NULL column. Anything else — no row, two rows, two columns, NULL, text — fails the read (UNKNOWN),
     * naming what was wrong. The query runs as a prepared statement (one statement only, on drivers that enforce
     * it) with the query timeout; it should only read.
     *
     * @param name the signal's name: letters, digits, '.', '_', '-'
     * @param unit the unit of the value, such as {@code seconds}
     * @param sql the query
     * @return the signal
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if name has other characters, or unit or sql is blank
     */
    public Signal query(String name, String unit, String sql) {
        return query(name, unit, sql, null);
    }

    private Signal query(String name, String unit, String sql, String source) {
        checkName(name);
        if (unit == null) {
            throw new NullPointerException("unit of signal '" + name + "' cannot be null");
        }
        if (unit.isBlank()) {
            throw new IllegalArgumentException("unit of signal '" + name + "' cannot be blank");
        }
        if (sql == null) {
            throw new NullPointerException("sql of signal '" + name + "' cannot be null");
        }
        if (sql.isBlank()) {
            throw new IllegalArgumentException("sql of signal '" + name + "' cannot be blank");
        }
        return signal(name, unit, source == null ? "SQL: " + sql : source, (c, t) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setQueryTimeout(t);
                ps.setMaxRows(2);
                try (ResultSet rs = ps.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    if (columns != 1) {
                        throw new DatabaseSignalException(name, "query must return one column but returned "
                                + columns, null);
                    }
                    if (!rs.next()) {
                        throw new DatabaseSignalException(name, "query returned no row", null);
                    }
                    Object v = rs.getObject(1);
                    if (rs.next()) {
                        throw new DatabaseSignalException(name, "query must return one row but returned more", null);
                    }
                    if (v == null) {
                        throw new DatabaseSignalException(name, "query returned NULL", null);
                    }
                    if (v instanceof Number n) {
                        return n.doubleValue();
                    }
                    if (v instanceof Boolean b) {
                        return b ? 1 : 0;
                    }
                    throw new DatabaseSignalException(name, "query must return a number but returned a "
                            + v.getClass().getSimpleName(), null);
                }
            }
        });
    }

    /**
     * A heartbeat writer for the primary: see {@link HeartbeatWriter}. Uses this factory's DataSource, query timeout
     * and clock.
     *
     * @param table the heartbeat table, {@code table} or {@code schema.table} (a plain identifier, quoted in SQL),
     *        e.g. {@code migobs_heartbeat}
     * @param id the row this writer beats: letters, digits, '.', '_', ':', '-' (one per migration or per writer)
     * @return the writer
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if table is not a plain identifier or id has other characters
     */
    public HeartbeatWriter heartbeatWriter(String table, String id) {
        return new HeartbeatWriter(dataSource, table, id, timeout(), time);
    }

    /**
     * Heartbeat lag read on a replica (this factory's DataSource): now minus the heartbeat row's time, in seconds.
     * Someone must {@link HeartbeatWriter#beat()} on the primary regularly; the lag's resolution is the beat
     * interval, and a writer that stopped shows as growing lag. Throws (UNKNOWN) when the row or table is absent.
     *
     * @param table the heartbeat table
     * @param id the row to read
     * @return the signal {@code heartbeat.lag}, unit seconds
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if table is not a plain identifier or id has other characters
     */
    public Signal heartbeatLag(String table, String id) {
        List<String> parts = SqlNames.parse(table, "heartbeat table");
        String rowId = heartbeatId(id);
        return heartbeatSignal(parts, table, rowId, null);
    }

    /**
     * Heartbeat lag read on a replica (this factory's DataSource), beating with {@code writer} on the primary right
     * before each read. Knowing every beat it wrote, the signal reports the age of the oldest beat the replica has
     * not applied yet (0 when it has the latest), so its resolution does not depend on the sample interval.
     *
     * @param writer the primary's writer (its table and id are read)
     * @return the signal {@code heartbeat.lag}, unit seconds
     * @throws NullPointerException if writer is null
     */
    public Signal heartbeatLag(HeartbeatWriter writer) {
        if (writer == null) {
            throw new NullPointerException("heartbeat writer cannot be null");
        }
        return heartbeatSignal(writer.tableParts(), writer.table(), writer.id(), writer);
    }

    private Signal heartbeatSignal(List<String> parts, String table, String id, HeartbeatWriter writer) {
        String name = "heartbeat.lag";
        TimeSource clock = writer == null ? time : writer.time();
        return signal(name, Signals.SECONDS, "heartbeat: now - " + table + ".beat_millis of id '" + id + "'"
                + (writer == null ? "" : ", beating on the primary before each read"), (c, t) -> {
                    if (writer != null) {
                        writer.beat();
                    }
                    long seen;
                    try (PreparedStatement ps = c.prepareStatement("SELECT beat_millis FROM "
                            + SqlNames.quote(c, parts) + " WHERE id = ?")) {
                        ps.setQueryTimeout(t);
                        ps.setString(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                throw new DatabaseSignalException(name, "no heartbeat row with id '" + id + "' in "
                                        + table + " (is the writer running, and has the row replicated?)", null);
                            }
                            seen = rs.getLong(1);
                        }
                    }
                    long now = clock.wallTimeMillis();
                    if (writer != null) {
                        long pending = writer.firstBeatAfter(seen);
                        if (pending == Long.MAX_VALUE) {
                            return 0;
                        }
                        if (pending != Long.MIN_VALUE) {
                            return Math.max(0, now - pending) / 1000.0;
                        }
                    }
                    return (now - seen) / 1000.0;
                });
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Signal signal(String name, String unit, String source, JdbcSignal.Query q) {
        return new JdbcSignal(name, unit, source, dataSource, timeout(), q);
    }

    private static void checkName(String name) {
        if (name == null) {
            throw new NullPointerException("signal name cannot be null");
        }
        if (!SIGNAL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("signal name '" + name + "' must be 1-128 letters, digits, '.', '_'"
                    + " or '-'");
        }
    }

    static String heartbeatId(String id) {
        if (id == null) {
            throw new NullPointerException("heartbeat id cannot be null");
        }
        if (!HEARTBEAT_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("heartbeat id '" + id + "' must be 1-64 letters, digits, '.', '_', ':'"
                    + " or '-'");
        }
        return id;
    }
}
