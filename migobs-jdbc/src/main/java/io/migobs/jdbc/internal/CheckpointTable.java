package io.migobs.jdbc.internal;

import io.migobs.jdbc.Checkpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** SQL of the checkpoint table (schema in {@link Checkpoint}'s Javadoc). Not API. */
public final class CheckpointTable {
    private final Sql sql;
    private final String table;

    public CheckpointTable(Sql sql, String tableName) {
        this.sql = sql;
        this.table = sql.table(tableName, "checkpoint table");
    }

    public String quotedName() {
        return table;
    }

    /** Creates the table if absent (auto-commit statement). */
    public void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (migration VARCHAR(200) NOT NULL PRIMARY KEY,"
                    + " cursor_value VARCHAR(2000), rows_done BIGINT NOT NULL, phase VARCHAR(200),"
                    + " status VARCHAR(20) NOT NULL, updated_at " + sql.timestampType() + " NOT NULL)");
        }
    }

    public Checkpoint read(Connection c, String migration, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT cursor_value, rows_done, phase, status, updated_at FROM "
                + table + " WHERE migration = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String cursorText = rs.getString(1);
                LocalDateTime at = rs.getObject(5, LocalDateTime.class);
                return new Checkpoint(migration, Keys.decode(cursorText), cursorText, rs.getLong(2), rs.getString(3),
                        Checkpoint.Status.of(rs.getString(4)), at == null ? null : at.toInstant(ZoneOffset.UTC));
            }
        }
    }

    /** Inserts a fresh row; returns false when one exists already (a concurrent insert). */
    public boolean insert(Connection c, String migration, long wallMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (migration, cursor_value, rows_done, phase, status, updated_at) VALUES (?, NULL, 0, NULL, ?, ?)")) {
            ps.setString(1, migration);
            ps.setString(2, Checkpoint.Status.RUNNING.text());
            ps.setObject(3, utc(wallMillis));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Moves the checkpoint, inside the batch's transaction; only if it still holds the rows this worker last wrote
     * (another worker running the same migration makes this return false).
     */
    public boolean advance(Connection c, String migration, long expectedRows, long rows, String cursorText,
            String phase, Checkpoint.Status status, long wallMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET cursor_value = ?, rows_done = ?,"
                + " phase = ?, status = ?, updated_at = ? WHERE migration = ? AND rows_done = ?")) {
            ps.setString(1, cursorText);
            ps.setLong(2, rows);
            ps.setString(3, phase);
            ps.setString(4, status.text());
            ps.setObject(5, utc(wallMillis));
            ps.setString(6, migration);
            ps.setLong(7, expectedRows);
            return ps.executeUpdate() == 1;
        }
    }

    public boolean delete(Connection c, String migration) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE migration = ?")) {
            ps.setString(1, migration);
            return ps.executeUpdate() > 0;
        }
    }

    private static LocalDateTime utc(long wallMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(wallMillis), ZoneOffset.UTC);
    }
}
