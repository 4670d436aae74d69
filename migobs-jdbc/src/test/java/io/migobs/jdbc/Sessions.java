package io.migobs.jdbc;

import io.migobs.jdbc.testsupport.Databases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Per-dialect session SQL for the failure tests: ids, lock waits, kills, lock timeouts. */
final class Sessions {
    private Sessions() {
    }

    static long id(Databases.Kind kind, Connection c) throws SQLException {
        String q = kind == Databases.Kind.POSTGRESQL ? "SELECT pg_backend_pid()"
                : kind == Databases.Kind.MARIADB ? "SELECT CONNECTION_ID()" : "SELECT SESSION_ID()";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void kill(Databases.Kind kind, DataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            if (kind == Databases.Kind.POSTGRESQL) {
                s.execute("SELECT pg_terminate_backend(" + id + ")");
            } else if (kind == Databases.Kind.MARIADB) {
                s.execute("KILL CONNECTION " + id);
            } else {
                s.execute("CALL ABORT_SESSION(" + id + ")");
            }
        }
    }

    static boolean waitingOnLock(Databases.Kind kind, Connection side, long id) throws SQLException {
        String q = kind == Databases.Kind.POSTGRESQL
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'"
                // INNODB_TRX does not always show the wait (seen on MariaDB 10.11); a statement that stays in
                // 'Updating' is waiting too, and if it was not yet, the deadlock still forms once it asks for the row
                : "SELECT (SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?"
                        + " AND trx_state = 'LOCK WAIT') + (SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE ID = ? AND COMMAND = 'Query' AND STATE = 'Updating')";
        try (PreparedStatement ps = side.prepareStatement(q)) {
            ps.setLong(1, id);
            if (kind != Databases.Kind.POSTGRESQL) {
                ps.setLong(2, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Polls (no sleeping) until the session waits on a lock; fails after a bounded number of polls. */
    static void awaitLockWait(Databases.Kind kind, DataSource ds, long id) throws SQLException {
        // waits on another session of the database (bounded: 30 s), not on a timing of ours
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        try (Connection side = ds.getConnection()) {
            while (System.nanoTime() < deadline) {
                if (waitingOnLock(kind, side, id)) {
                    return;
                }
                Thread.onSpinWait();
            }
            throw new AssertionError("session " + id + " never waited on a lock within 30 s; sessions: "
                    + dump(kind, side));
        }
    }

    /** A statement that makes lock waits of this session (or transaction) time out quickly. */
    /** A statement timeout of 150 ms (PostgreSQL) or 0.2 s (MariaDB) for the batch's session. */
    static String shortStatementTimeout(Databases.Kind kind) {
        return kind == Databases.Kind.POSTGRESQL ? "SET LOCAL statement_timeout = '150ms'"
                : "SET SESSION max_statement_time = 0.2";
    }

    static String shortLockTimeout(Databases.Kind kind) {
        switch (kind) {
            case POSTGRESQL:
                return "SET LOCAL lock_timeout = '150ms'";
            case MARIADB:
                return "SET SESSION innodb_lock_wait_timeout = 1";
            default:
                return "SET LOCK_TIMEOUT 150";
        }
    }

    private static String dump(Databases.Kind kind, Connection side) throws SQLException {
        String q = kind == Databases.Kind.POSTGRESQL
                ? "SELECT pid || ' ' || state || ' ' || coalesce(wait_event_type, '-') || ' ' || query"
                        + " FROM pg_stat_activity WHERE datname = current_database()"
                : kind == Databases.Kind.MARIADB
                        ? "SELECT CONCAT(ID, ' ', COMMAND, ' ', IFNULL(STATE, '-'), ' ', IFNULL(INFO, '-'))"
                                + " FROM information_schema.PROCESSLIST"
                        : "SELECT 1";
        StringBuilder out = new StringBuilder();
        try (Statement s = side.createStatement(); ResultSet rs = s.executeQuery(q)) {
            while (rs.next()) {
                out.append(" | ").append(rs.getString(1));
            }
        }
        return out.toString();
    }
}
