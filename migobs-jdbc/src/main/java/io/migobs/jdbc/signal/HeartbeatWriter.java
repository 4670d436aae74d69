package io.migobs.jdbc.signal;

import io.migobs.TimeSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes heartbeats on the primary: one row {@code (id, beat_millis)} of the heartbeat table, upserted with the
 * current wall-clock time in milliseconds. A {@link DatabaseSignals#heartbeatLag(String, String) heartbeat lag}
 * signal on a replica reads the row back and reports how old it is — the replication delay as the application
 * sees it, what gh-ost trusts over {@code Seconds_Behind_Master}.
 *
 * <p>Call {@link #beat()} on a schedule (every 100–500 ms: the lag's resolution is the beat interval), or hand the
 * writer to {@link DatabaseSignals#heartbeatLag(HeartbeatWriter)} to beat right before each read.
 *
 * <p>The table is created on the first beat if absent:
 * <pre>
 * CREATE TABLE IF NOT EXISTS migobs_heartbeat (id VARCHAR(64) NOT NULL PRIMARY KEY, beat_millis BIGINT NOT NULL)
 * </pre>
 * The upsert is portable (UPDATE, then INSERT if no row, then UPDATE again if another writer inserted first), so it
 * works on any database with that DDL. Writer and reader must use clocks that agree (by default the system clock
 * of the application, which runs both).
 *
 * <p>Thread-safe.
 */
public final class HeartbeatWriter {
    private static final int HISTORY = 4096;

    private final DataSource dataSource;
    private final String table;
    private final List<String> tableParts;
    private final String id;
    private final int timeoutSeconds;
    private final TimeSource time;
    private final ArrayDeque<Long> history = new ArrayDeque<>();
    private volatile boolean tableReady;

    HeartbeatWriter(DataSource dataSource, String table, String id, int timeoutSeconds, TimeSource time) {
        this.dataSource = dataSource;
        this.tableParts = SqlNames.parse(table, "heartbeat table");
        this.table = table;
        this.id = DatabaseSignals.heartbeatId(id);
        this.timeoutSeconds = timeoutSeconds;
        this.time = time;
    }

    /** @return the heartbeat table's name as given */
    public String table() {
        return table;
    }

    /** @return the id of the row this writer beats */
    public String id() {
        return id;
    }

    /**
     * Creates the heartbeat table if it does not exist. {@link #beat()} does it on its first call.
     *
     * @throws DatabaseSignalException if the DDL fails
     */
    public void createTableIfAbsent() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(timeoutSeconds);
            st.execute("CREATE TABLE IF NOT EXISTS " + SqlNames.quote(c, tableParts)
                    + " (id VARCHAR(64) NOT NULL PRIMARY KEY, beat_millis BIGINT NOT NULL)");
            if (!c.getAutoCommit()) {
                c.commit();
            }
            tableReady = true;
        } catch (SQLException e) {
            throw JdbcSignal.failure("heartbeat.writer", e, timeoutSeconds);
        }
    }

    /**
     * Upserts the heartbeat row with the current wall-clock time, in its own committed transaction.
     *
     * @return the time written, in milliseconds since the epoch
     * @throws DatabaseSignalException if the write fails or times out
     */
    public long beat() {
        if (!tableReady) {
            createTableIfAbsent();
        }
        long now = time.wallTimeMillis();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            String t = SqlNames.quote(c, tableParts);
            try {
                if (update(c, t, now) == 0) {
                    try {
                        insert(c, t, now);
                    } catch (SQLException e) {
                        if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                            throw e;
                        }
                        // Another writer inserted the row between our UPDATE and INSERT.
                        if (!autoCommit) {
                            c.rollback();
                        }
                        update(c, t, now);
                    }
                }
                if (!autoCommit) {
                    c.commit();
                }
            } catch (SQLException e) {
                if (!autoCommit) {
                    c.rollback();
                }
                throw e;
            }
        } catch (SQLException e) {
            throw JdbcSignal.failure("heartbeat.writer", e, timeoutSeconds);
        }
        synchronized (history) {
            history.addLast(now);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        return now;
    }

    private int update(Connection c, String t, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET beat_millis = ? WHERE id = ?")) {
            ps.setQueryTimeout(timeoutSeconds);
            ps.setLong(1, now);
            ps.setString(2, id);
            return ps.executeUpdate();
        }
    }

    private void insert(Connection c, String t, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, beat_millis) VALUES (?, ?)")) {
            ps.setQueryTimeout(timeoutSeconds);
            ps.setString(1, id);
            ps.setLong(2, now);
            ps.executeUpdate();
        }
    }

    /**
     * The first beat this writer wrote after {@code seen}: the oldest write the replica has not applied yet.
     *
     * @return its time, {@code Long.MAX_VALUE} when the replica has every beat written, or {@code Long.MIN_VALUE}
     *         when {@code seen} is older than the remembered history
     */
    long firstBeatAfter(long seen) {
        synchronized (history) {
            if (history.isEmpty() || seen < history.peekFirst()) {
                return Long.MIN_VALUE;
            }
            Iterator<Long> it = history.descendingIterator();
            long candidate = Long.MAX_VALUE;
            while (it.hasNext()) {
                long b = it.next();
                if (b <= seen) {
                    break;
                }
                candidate = b;
            }
            return candidate;
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    List<String> tableParts() {
        return tableParts;
    }

    TimeSource time() {
        return time;
    }

    @Override
    public String toString() {
        return "HeartbeatWriter[" + table + " id=" + id + "]";
    }
}
