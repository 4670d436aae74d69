package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/** No SQL injection through any identifier; no URL or password in any message or log line. */
class IdentifierSafetyTest {
    private static final String SECRET = "hunter2-secret";

    static final List<String> BAD = List.of("items; DROP TABLE idx_canary", "items\"; DROP TABLE idx_canary; --",
            "items`; DROP TABLE idx_canary; #", "id -- comment", "id/*x*/", "a'b", "id) OR (1=1", "", " ",
            "1abc", "a.b.c.d", "x".repeat(64), "\u00efd", "id\n", "id\u0000", "a..b", ".a", "a.", "id#", "id$x",
            "a b", "\"quoted\"", "`quoted`", "[bracketed]");

    private static void rejects(String parameter, Consumer<String> call) {
        for (String bad : BAD) {
            assertThatThrownBy(() -> call.accept(bad)).as(parameter + " <" + bad + ">")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(parameter + " '")
                    .hasMessageContaining("is not a valid SQL identifier");
        }
        assertThatThrownBy(() -> call.accept(null)).as(parameter + " null").isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void everyIdentifierParameterRejectsInjectionAndNothingRuns(Databases.Kind kind) {
        DataSource ds = Fixtures.open(kind, "identifiers");
        Databases.execute(ds, "DROP TABLE IF EXISTS idx_canary", "CREATE TABLE idx_canary (id INT PRIMARY KEY)");
        rejects("table", t -> JdbcBackfill.builder(ds, t));
        rejects("key column", k -> JdbcBackfill.builder(ds, "idx_canary").keyColumns("id", k));
        rejects("checkpoint table", t -> JdbcBackfill.builder(ds, "idx_canary").checkpointTable(t));
        rejects("source table", t -> JdbcChecksum.builder(ds, t));
        rejects("key column", k -> JdbcChecksum.builder(ds, "idx_canary").keyColumns(k));
        rejects("column", c -> JdbcChecksum.builder(ds, "idx_canary").columns("id", c));
        rejects("target table", t -> JdbcChecksum.builder(ds, "idx_canary").target(ds, t));
        rejects("target key column", k -> JdbcChecksum.builder(ds, "idx_canary").targetKeyColumns(k));
        rejects("target column", c -> JdbcChecksum.builder(ds, "idx_canary").targetColumns(c));
        for (Dialect d : Dialect.values()) {
            rejects("x", i -> d.quote(i, "x"));
        }
        assertThatThrownBy(() -> JdbcChecksum.builder(ds, "idx_canary").sourceExpressions("1; DROP TABLE idx_canary"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not contain ';'");
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM idx_canary")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void reservedWordsAndMixedCaseNamesAreQuotedTheDatabasesWay(Databases.Kind kind) throws Exception {
        DataSource ds = Fixtures.open(kind, "identifiers");
        Dialect d = Dialect.of(ds);
        String table = d.quote("order", "t");
        String key = d.quote("key", "c");
        String value = d.quote("value", "c");
        Databases.execute(ds, "DROP TABLE IF EXISTS " + table, "DROP TABLE IF EXISTS " + d.quote("group", "t"),
                "CREATE TABLE " + table + " (" + key + " INT PRIMARY KEY, " + value + " INT NOT NULL)");
        Fixtures.insert(ds, "INSERT INTO " + table + " VALUES (?, 0)", 250, (ps, i) -> ps.setInt(1, i));
        // MariaDB/MySQL table names are case-sensitive on Linux (lower_case_table_names=0), even unquoted
        String tableArg = kind == Databases.Kind.MARIADB ? "order" : "ORDER";
        JdbcBackfill bf = JdbcBackfill.builder(ds, tableArg).keyColumns("Key").checkpointTable("group")
                .statement("UPDATE " + table + " SET " + value + " = " + value + " + 1 WHERE {range}").build();
        RunReport r = bf.run(Fixtures.plan("idx-reserved").build(), b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM " + table + " WHERE " + value + " = 1"))
                .isEqualTo(250);
        assertThat(bf.checkpoint("idx-reserved").orElseThrow().rowsDone()).isEqualTo(250);
        assertThat(JdbcChecksum.builder(ds, "order").keyColumns("key").columns("VALUE").target(ds, tableArg).build()
                .compare(null, null).matches()).isTrue();
        Databases.execute(ds, "DROP TABLE " + table, "DROP TABLE " + d.quote("group", "t"));
    }

    @Test
    void quotingPerDialect() {
        assertThat(Dialect.H2.quote("app.items", "t")).isEqualTo("\"APP\".\"ITEMS\"");
        assertThat(Dialect.POSTGRESQL.quote("App.Items", "t")).isEqualTo("\"app\".\"items\"");
        assertThat(Dialect.MARIADB.quote("App.Items", "t")).isEqualTo("`App`.`Items`");
        assertThat(Dialect.MYSQL.quote("_x1", "t")).isEqualTo("`_x1`");
        assertThat(Dialect.fromProductName("MariaDB")).isEqualTo(Dialect.MARIADB);
        assertThat(Dialect.fromProductName("MySQL")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.fromProductName("PostgreSQL")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.fromProductName("H2")).isEqualTo(Dialect.H2);
        assertThatThrownBy(() -> Dialect.fromProductName("Oracle")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Oracle' is not supported");
    }

    private static DataSource withSecret(Databases.Kind kind) throws SQLException {
        switch (kind) {
            case POSTGRESQL: {
                Fixtures.open(kind, "identifiers");
                PGSimpleDataSource ds = new PGSimpleDataSource();
                ds.setURL(Databases.pgUrl());
                ds.setCurrentSchema(Fixtures.SCRATCH);
                ds.setUser(Databases.pgUser());
                ds.setPassword(Databases.pgPassword().isEmpty() ? SECRET : Databases.pgPassword());
                return ds;
            }
            case MARIADB: {
                DataSource root = Fixtures.open(kind, "identifiers");
                try {
                    Databases.execute(root, "CREATE USER IF NOT EXISTS 'migobs_secret'@'%' IDENTIFIED BY '" + SECRET
                            + "'");
                } catch (IllegalStateException e) {
                    org.junit.jupiter.api.Assumptions.abort("the MariaDB user cannot create users: " + e.getMessage());
                }
                Databases.execute(root, "CREATE USER IF NOT EXISTS 'migobs_secret'@'%' IDENTIFIED BY '" + SECRET + "'",
                        "CREATE USER IF NOT EXISTS 'migobs_secret'@'localhost' IDENTIFIED BY '" + SECRET + "'",
                        "GRANT ALL ON " + Fixtures.SCRATCH + ".* TO 'migobs_secret'@'%'",
                        "GRANT ALL ON " + Fixtures.SCRATCH + ".* TO 'migobs_secret'@'localhost'");
                MariaDbDataSource ds = new MariaDbDataSource(Fixtures.mysqlUrl(Fixtures.SCRATCH));
                ds.setUser("migobs_secret");
                ds.setPassword(SECRET);
                return ds;
            }
            default: {
                JdbcDataSource ds = new JdbcDataSource();
                ds.setURL(kind == Databases.Kind.H2_MEM ? "jdbc:h2:mem:idx_secret;DB_CLOSE_DELAY=-1"
                        : "jdbc:h2:file:" + java.nio.file.Path.of("target", "h2", "idx_secret").toAbsolutePath());
                ds.setUser("sa");
                ds.setPassword(SECRET);
                return ds;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void neitherUrlNorPasswordAppearsInLogsOrMessages(Databases.Kind kind) throws Exception {
        DataSource ds = withSecret(kind);
        Logger logger = (Logger) LoggerFactory.getLogger("io.migobs");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
        List<String> texts = new ArrayList<>();
        try {
            Fixtures.items(ds, "idx_items", 120);
            Databases.execute(ds, "DROP TABLE IF EXISTS idx_cp");
            MigrationPlan plan = Fixtures.plan("idx-secret").build();
            RunReport ok = JdbcBackfill.builder(ds, "idx_items").keyColumns("id").checkpointTable("idx_cp")
                    .statement("UPDATE idx_items SET n = n + 1 WHERE {range}").build()
                    .run(plan, b -> b.timeSource(new ManualTimeSource()));
            assertThat(ok.state()).isEqualTo(RunState.COMPLETED);
            RunReport bad = JdbcBackfill.builder(ds, "idx_items").keyColumns("id").checkpointTable("idx_cp")
                    .statement("UPDATE idx_missing SET n = n + 1 WHERE {range}").rerunCompleted(true).build()
                    .run(plan, b -> b.timeSource(new ManualTimeSource()));
            assertThat(bad.state()).isEqualTo(RunState.ABORTED);
            texts.add(bad.reason());
            assertThat(bad.reason()).contains(Dialect.of(ds).systemName() + "@");
            JdbcBackfill missing = JdbcBackfill.builder(ds, "idx_nope").keyColumns("id").statement("SELECT {range}")
                    .build();
            assertThatThrownBy(missing::countRows).satisfies(e -> texts.add(e.getMessage()));
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(before);
        }
        for (ILoggingEvent e : logs.list) {
            texts.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                texts.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
            }
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(texts).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContain(SECRET).doesNotContain("jdbc:"));
    }

    @Test
    void anUnreachableServerIsDescribedWithoutUrlOrPassword() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:1/test?password=" + SECRET);
        ds.setConnectTimeout(2);
        JdbcBackfill bf = JdbcBackfill.builder(ds, "items").keyColumns("id").statement("SELECT {range}").build();
        assertThatThrownBy(bf::countRows).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot count the rows of table 'items'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("jdbc:"));
    }
}
