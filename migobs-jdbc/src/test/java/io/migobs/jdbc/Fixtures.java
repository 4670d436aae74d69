package io.migobs.jdbc;

import io.migobs.MigrationPlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import io.migobs.jdbc.testsupport.Databases;

/** Shared table setups for the JDBC tests. */
final class Fixtures {
    private static final java.util.Map<String, Connection> KEEP_OPEN = new java.util.concurrent.ConcurrentHashMap<>();

    private Fixtures() {
    }

    /**
     * {@link Databases#open} that keeps one connection to an H2 file database open for the JVM, so the file is not
     * closed and reopened (slow) for every connection the code under test takes.
     */
    static DataSource open(Databases.Kind kind, String name) {
        DataSource ds = Databases.open(kind, name);
        if (kind == Databases.Kind.POSTGRESQL || kind == Databases.Kind.MARIADB) {
            return isolated(kind, ds);
        }
        if (kind == Databases.Kind.H2_FILE) {
            KEEP_OPEN.computeIfAbsent(name, n -> {
                try {
                    return ds.getConnection();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return ds;
    }

    /**
     * This JVM's own schema (PostgreSQL) or database (MariaDB), created on first use and dropped at exit, so that
     * two builds running these tests at once against the same servers never touch each other's tables.
     */
    static final String SCRATCH = "mjt_" + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffL);
    private static final java.util.Map<Databases.Kind, DataSource> ISOLATED = new java.util.concurrent.ConcurrentHashMap<>();

    private static DataSource isolated(Databases.Kind kind, DataSource base) {
        return ISOLATED.computeIfAbsent(kind, k -> {
            if (k == Databases.Kind.POSTGRESQL) {
                Databases.execute(base, "CREATE SCHEMA IF NOT EXISTS " + SCRATCH);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Databases.execute(base,
                        "DROP SCHEMA IF EXISTS " + SCRATCH + " CASCADE")));
                org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
                ds.setURL(Databases.pgUrl());
                ds.setUser(Databases.pgUser());
                if (!Databases.pgPassword().isEmpty()) {
                    ds.setPassword(Databases.pgPassword());
                }
                ds.setCurrentSchema(SCRATCH);
                return ds;
            }
            Databases.execute(base, "CREATE DATABASE IF NOT EXISTS " + SCRATCH);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Databases.execute(base,
                    "DROP DATABASE IF EXISTS " + SCRATCH)));
            try {
                org.mariadb.jdbc.MariaDbDataSource ds = new org.mariadb.jdbc.MariaDbDataSource(mysqlUrl(SCRATCH));
                ds.setUser(Databases.mysqlUser());
                ds.setPassword(Databases.mysqlPassword());
                return ds;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The MariaDB URL with its database replaced. */
    static String mysqlUrl(String database) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(jdbc:mariadb://[^/?]+)(/[^?]*)?(\\?.*)?$")
                .matcher(Databases.mysqlUrl());
        if (!m.matches()) {
            throw new IllegalStateException("cannot parse the MariaDB URL's host part");
        }
        return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
    }

    /** (id BIGINT PK, n INT NOT NULL, t VARCHAR) with ids 1..rows, n = 0, t = 'v' + id (NULL every 7th). */
    static void items(DataSource ds, String table, int rows) {
        Databases.execute(ds, "DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, n INT NOT NULL, t VARCHAR(50))");
        insert(ds, "INSERT INTO " + table + " (id, n, t) VALUES (?, 0, ?)", rows, (ps, i) -> {
            ps.setLong(1, i);
            ps.setString(2, i % 7 == 0 ? null : "v" + i);
        });
    }

    /** (region VARCHAR, seq INT, n INT) composite PK, rows spread over regions 'r0'..'r4'. */
    static void composite(DataSource ds, String table, int rows) {
        Databases.execute(ds, "DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (region VARCHAR(20) NOT NULL, seq INT NOT NULL, n INT NOT NULL,"
                        + " PRIMARY KEY (region, seq))");
        insert(ds, "INSERT INTO " + table + " (region, seq, n) VALUES (?, ?, 0)", rows, (ps, i) -> {
            ps.setString(1, "r" + (i % 5));
            ps.setInt(2, i);
        });
    }

    /** (code VARCHAR PK, n INT) with text keys 'k00001'.. */
    static void textKeys(DataSource ds, String table, int rows) {
        Databases.execute(ds, "DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (code VARCHAR(20) PRIMARY KEY, n INT NOT NULL)");
        insert(ds, "INSERT INTO " + table + " (code, n) VALUES (?, 0)", rows,
                (ps, i) -> ps.setString(1, String.format("k%05d", i)));
    }

    interface Binder {
        void bind(PreparedStatement ps, int i) throws SQLException;
    }

    static void insert(DataSource ds, String sql, int rows, Binder b) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 1; i <= rows; i++) {
                    b.bind(ps, i);
                    ps.addBatch();
                    if (i % 500 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static MigrationPlan.Builder plan(String name) {
        return MigrationPlan.builder(name).batchSize(100, 10, 1000).maxConsecutiveFailures(3);
    }
}
