package io.migobs.jdbc.testsupport;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Test databases for the JDBC module: H2 in memory, H2 on file, PostgreSQL and MariaDB/MySQL, as plain
 * {@link DataSource}s (H2's {@code JdbcDataSource}, {@code PGSimpleDataSource}, {@code MariaDbDataSource}; no pool).
 *
 * <p><b>Servers.</b> PostgreSQL defaults to {@code jdbc:postgresql://127.0.0.1:5432/test} user {@code postgres} (trust
 * auth); MariaDB to {@code jdbc:mariadb://127.0.0.1:3306/test} user {@code root}, empty password. Override with
 * the environment variables {@code MIGOBS_PG_URL}, {@code MIGOBS_PG_USER}, {@code MIGOBS_PG_PASSWORD},
 * {@code MIGOBS_MYSQL_URL}, {@code MIGOBS_MYSQL_USER}, {@code MIGOBS_MYSQL_PASSWORD} (a {@code jdbc:mysql:} URL is
 * accepted and rewritten to the MariaDB driver's scheme).
 *
 * <p><b>Unreachable server.</b> {@link #open(Kind, String)} probes the server once per JVM (2 s connect timeout).
 * When it cannot connect, the test is skipped with a JUnit assumption naming the database and the reason — except
 * when the environment has {@code CI=true}, where it fails with an {@link AssertionError}.
 *
 * <p>Typical use: {@code @ParameterizedTest @EnumSource(Databases.Kind.class) void x(Databases.Kind kind) { DataSource
 * ds = Databases.open(kind, "mytest"); ... }}. Give every test class its own table names: all classes share the
 * same server databases. Thread-safe.
 */
public final class Databases {

    /** The four database setups every JDBC feature is tested on. */
    public enum Kind {
        /** H2 in memory, kept open for the JVM ({@code DB_CLOSE_DELAY=-1}). */
        H2_MEM,
        /** H2 on a file under {@code target/h2/}. */
        H2_FILE,
        /** The PostgreSQL server. */
        POSTGRESQL,
        /** The MariaDB/MySQL server. */
        MARIADB;

        /** @return true for the two H2 kinds */
        public boolean isH2() {
            return this == H2_MEM || this == H2_FILE;
        }
    }

    private static final Map<Kind, String> UNREACHABLE = new ConcurrentHashMap<>();
    private static final Map<Kind, Boolean> PROBED = new ConcurrentHashMap<>();

    private Databases() {
    }

    /**
     * A DataSource for the kind. For H2 the name selects the database ({@code jdbc:h2:mem:NAME} or the file
     * {@code target/h2/NAME}); for the servers the name is ignored (the configured database is used).
     *
     * @param kind which database
     * @param name the H2 database name: letters, digits, '_' or '-'
     * @return the DataSource (connections are not pooled)
     * @throws org.opentest4j.TestAbortedException if the server is unreachable and CI is not {@code true}
     * @throws AssertionError if the server is unreachable and {@code CI=true}
     */
    public static DataSource open(Kind kind, String name) {
        switch (kind) {
            case H2_MEM:
                return h2Mem(name);
            case H2_FILE:
                return h2File(Path.of("target", "h2").toAbsolutePath(), name);
            case POSTGRESQL:
                return requireReachable(kind, postgres());
            case MARIADB:
                return requireReachable(kind, mariadb());
            default:
                throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    /**
     * An in-memory H2 database that lives as long as the JVM.
     *
     * @param name the database name
     * @return the DataSource
     */
    public static DataSource h2Mem(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + checkName(name) + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    /**
     * An H2 database on file ({@code DIR/NAME.mv.db}), usable from several JVMs one after the other (a crashed JVM
     * leaves the file to be recovered by the next open).
     *
     * @param dir the directory (created by H2 if absent)
     * @param name the database name
     * @return the DataSource
     */
    public static DataSource h2File(Path dir, String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(h2FileUrl(dir, name));
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    /**
     * The JDBC URL of {@link #h2File(Path, String)}, for handing to a child JVM.
     *
     * @param dir the directory
     * @param name the database name
     * @return the URL
     */
    public static String h2FileUrl(Path dir, String name) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve(checkName(name));
    }

    /** @return the PostgreSQL URL ({@code MIGOBS_PG_URL} or the default); for child JVMs, never for logs */
    public static String pgUrl() {
        return env("MIGOBS_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    /** @return the PostgreSQL user ({@code MIGOBS_PG_USER} or {@code postgres}) */
    public static String pgUser() {
        return env("MIGOBS_PG_USER", "postgres");
    }

    /** @return the PostgreSQL password ({@code MIGOBS_PG_PASSWORD} or empty) */
    public static String pgPassword() {
        return env("MIGOBS_PG_PASSWORD", "");
    }

    /** @return the MariaDB/MySQL URL ({@code MIGOBS_MYSQL_URL} or the default), in the MariaDB driver's scheme */
    public static String mysqlUrl() {
        String url = env("MIGOBS_MYSQL_URL", "jdbc:mariadb://127.0.0.1:3306/test");
        if (url.startsWith("jdbc:mysql:")) {
            url = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length());
        }
        return url;
    }

    /** @return the MariaDB/MySQL user ({@code MIGOBS_MYSQL_USER} or {@code root}) */
    public static String mysqlUser() {
        return env("MIGOBS_MYSQL_USER", "root");
    }

    /** @return the MariaDB/MySQL password ({@code MIGOBS_MYSQL_PASSWORD} or empty) */
    public static String mysqlPassword() {
        return env("MIGOBS_MYSQL_PASSWORD", "");
    }

    /**
     * A PostgreSQL DataSource without the reachability check (use {@link #open(Kind, String)} in tests).
     *
     * @return the DataSource
     */
    public static DataSource postgres() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(pgUrl());
        ds.setUser(pgUser());
        String pw = pgPassword();
        if (!pw.isEmpty()) {
            ds.setPassword(pw);
        }
        ds.setConnectTimeout(5);
        return ds;
    }

    /**
     * A MariaDB/MySQL DataSource without the reachability check (use {@link #open(Kind, String)} in tests).
     *
     * @return the DataSource
     */
    public static DataSource mariadb() {
        try {
            MariaDbDataSource ds = new MariaDbDataSource(mysqlUrl());
            ds.setUser(mysqlUser());
            ds.setPassword(mysqlPassword());
            return ds;
        } catch (SQLException e) {
            throw new IllegalStateException("invalid MIGOBS_MYSQL_URL: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the CI rule applies: {@code CI=true} turns an unreachable server into a failure.
     *
     * @return true when the environment variable CI is "true"
     */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Runs statements, each in auto-commit.
     *
     * @param ds the database
     * @param sql the statements
     */
    public static void execute(DataSource ds, String... sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + e.getMessage(), e);
        }
    }

    /**
     * A single long value from a query (first column of the first row; 0 for SQL NULL).
     *
     * @param ds the database
     * @param sql the query
     * @return the value
     */
    public static long queryLong(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row from: " + sql);
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + e.getMessage(), e);
        }
    }

    /**
     * All rows of a query as lists of strings (SQL NULL as null), for row-by-row comparisons.
     *
     * @param ds the database
     * @param sql the query (add an ORDER BY)
     * @return the rows
     */
    public static List<List<String>> rows(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + e.getMessage(), e);
        }
    }

    private static DataSource requireReachable(Kind kind, DataSource ds) {
        PROBED.computeIfAbsent(kind, k -> {
            try (Connection c = ds.getConnection()) {
                c.isValid(2);
            } catch (SQLException | RuntimeException e) {
                UNREACHABLE.put(k, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            return Boolean.TRUE;
        });
        String why = UNREACHABLE.get(kind);
        if (why != null) {
            unavailable(kind + " is unreachable (" + why + "); set the MIGOBS_" + (kind == Kind.POSTGRESQL ? "PG"
                    : "MYSQL") + "_* environment variables or start the server");
        }
        return ds;
    }

    /**
     * A server a test needs is missing: under {@code CI=true} the test fails; elsewhere it is skipped, with the
     * message on standard error so the skip is visible.
     *
     * @param msg what is missing and how to provide it
     */
    public static void unavailable(String msg) {
        if (isCi()) {
            throw new AssertionError("CI=true: " + msg);
        }
        System.err.println("SKIPPED: " + msg);
        Assumptions.abort(msg);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("H2 database name '" + name + "' must be 1-64 letters, digits, '_'"
                    + " or '-'");
        }
        return name;
    }
}
