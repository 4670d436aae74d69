package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.Cadence;
import io.migobs.InvariantContext;
import io.migobs.InvariantResult;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import java.sql.Types;
import java.util.List;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcChecksumTest {
    private static final int ROWS = 1000;

    /** (id PK, a INT, b VARCHAR, c VARCHAR) with NULLs sprinkled in. */
    static void table(DataSource ds, String name, boolean fill) {
        Databases.execute(ds, "DROP TABLE IF EXISTS " + name, "CREATE TABLE " + name
                + " (id BIGINT PRIMARY KEY, a INT, b VARCHAR(50), c VARCHAR(50))");
        if (fill) {
            Fixtures.insert(ds, "INSERT INTO " + name + " (id, a, b, c) VALUES (?, ?, ?, ?)", ROWS, (ps, i) -> {
                ps.setLong(1, i);
                if (i % 11 == 0) {
                    ps.setNull(2, Types.INTEGER);
                } else {
                    ps.setInt(2, i * 3);
                }
                ps.setString(3, i % 13 == 0 ? null : "b" + i);
                ps.setString(4, "c" + (i % 17));
            });
        }
    }

    private static JdbcChecksum.Builder checksum(DataSource src, DataSource dst) {
        return JdbcChecksum.builder(src, "ckx_src").keyColumns("id").columns("a", "b", "c").target(dst, "ckx_dst");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void identicalTablesMatch(Databases.Kind kind) throws Exception {
        DataSource ds = Fixtures.open(kind, "checksum");
        table(ds, "ckx_src", true);
        table(ds, "ckx_dst", true);
        JdbcChecksum.Comparison c = checksum(ds, ds).build().compare(null, null);
        assertThat(c.matches()).isTrue();
        assertThat(c.sourceRows()).isEqualTo(ROWS);
        assertThat(c.targetRows()).isEqualTo(ROWS);
        assertThat(c.sourceHash()).isEqualTo(c.targetHash()).isNotZero();
        assertThat(c.mismatch()).isNull();
        assertThat(checksum(ds, ds).build().compare(100L, 200L).sourceRows()).isEqualTo(100);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aChangedRowIsFoundAndNarrowedByBisection(Databases.Kind kind) throws Exception {
        DataSource ds = Fixtures.open(kind, "checksum");
        table(ds, "ckx_src", true);
        table(ds, "ckx_dst", true);
        Databases.execute(ds, "UPDATE ckx_dst SET c = 'changed' WHERE id = 537");
        JdbcChecksum.Comparison c = checksum(ds, ds).build().compare(null, null);
        assertThat(c.matches()).isFalse();
        assertThat(c.sourceRows()).isEqualTo(c.targetRows());
        assertThat(c.mismatch()).startsWith("(536, 537]");
        assertThat(c.range()).isEqualTo("(-inf, +inf]");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aMissingRowAndNullVersusEmptyAndShiftedSeparatorsAllMismatch(Databases.Kind kind) throws Exception {
        DataSource ds = Fixtures.open(kind, "checksum");
        table(ds, "ckx_src", true);
        table(ds, "ckx_dst", true);
        JdbcChecksum cs = checksum(ds, ds).build();
        Databases.execute(ds, "DELETE FROM ckx_dst WHERE id = 801");
        JdbcChecksum.Comparison missing = cs.compare(700L, 900L);
        assertThat(missing.matches()).isFalse();
        assertThat(missing.targetRows()).isEqualTo(missing.sourceRows() - 1);
        assertThat(missing.mismatch()).startsWith("(800, 801]");

        Databases.execute(ds, "UPDATE ckx_src SET b = NULL WHERE id = 10", "UPDATE ckx_dst SET b = '' WHERE id = 10");
        assertThat(cs.compare(0L, 20L).mismatch()).as("NULL is not the empty string").startsWith("(9, 10]");

        Databases.execute(ds, "UPDATE ckx_src SET b = 'x#', c = 'y' WHERE id = 30",
                "UPDATE ckx_dst SET b = 'x', c = '#y' WHERE id = 30");
        assertThat(cs.compare(20L, 40L).mismatch()).as("values are length-prefixed").startsWith("(29, 30]");
        assertThat(cs.compare(40L, 700L).matches()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void compositeKeysBisectWithListCursors(Databases.Kind kind) throws Exception {
        DataSource ds = Fixtures.open(kind, "checksum");
        Fixtures.composite(ds, "ckx_csrc", 500);
        Fixtures.composite(ds, "ckx_cdst", 500);
        Databases.execute(ds, "UPDATE ckx_cdst SET n = 7 WHERE region = 'r3' AND seq = 238");
        JdbcChecksum cs = JdbcChecksum.builder(ds, "ckx_csrc").keyColumns("region", "seq").columns("n")
                .target(ds, "ckx_cdst").build();
        JdbcChecksum.Comparison c = cs.compare(null, null);
        assertThat(c.matches()).isFalse();
        assertThat(c.mismatch()).startsWith("(('r3', 233), ('r3', 238)]");
        assertThat(cs.compare(List.of("r0", 0L), List.of("r2", 999L)).matches()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void verifiesAnInPlaceBackfillAgainstAnExpressionOfTheOldColumn(Databases.Kind kind) throws Exception {
        DataSource ds = Fixtures.open(kind, "checksum");
        Databases.execute(ds, "DROP TABLE IF EXISTS ckx_mail", "CREATE TABLE ckx_mail (id BIGINT PRIMARY KEY,"
                + " email VARCHAR(100), email_lower VARCHAR(100))");
        Fixtures.insert(ds, "INSERT INTO ckx_mail (id, email) VALUES (?, ?)", 300, (ps, i) -> {
            ps.setLong(1, i);
            ps.setString(2, i % 9 == 0 ? null : "User" + i + "@Example.COM");
        });
        JdbcBackfill bf = JdbcBackfill.builder(ds, "ckx_mail").keyColumns("id").withoutCheckpoint()
                .statement("UPDATE ckx_mail SET email_lower = LOWER(email) WHERE {range}").build();
        JdbcChecksum verify = JdbcChecksum.builder(ds, "ckx_mail").keyColumns("id").sourceExpressions("LOWER(email)")
                .targetColumns("email_lower").build();
        MigrationPlan plan = Fixtures.plan("ckx-mail").invariant("lowered", Cadence.everyBatch(), verify).build();
        RunReport r = bf.run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.invariants().get(0).checks()).isGreaterThan(1);
        assertThat(r.invariants().get(0).failures()).isZero();
        Databases.execute(ds, "UPDATE ckx_mail SET email_lower = 'oops' WHERE id = 77");
        assertThat(verify.compare(null, null).mismatch()).startsWith("(76, 77]");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aCopyThatCorruptsARowTurnsTheRunRedWithTheRange(Databases.Kind kind) {
        DataSource ds = Fixtures.open(kind, "checksum");
        table(ds, "ckx_src", true);
        table(ds, "ckx_dst", false);
        JdbcBackfill copy = JdbcBackfill.builder(ds, "ckx_src").keyColumns("id").withoutCheckpoint()
                .operation((c, range) -> {
                    long n;
                    try (var ps = c.prepareStatement("INSERT INTO ckx_dst (id, a, b, c) SELECT id, a, b, c FROM"
                            + " ckx_src WHERE " + range.predicate())) {
                        range.bind(ps, 1);
                        n = ps.executeUpdate();
                    }
                    try (var st = c.createStatement()) {
                        st.executeUpdate("UPDATE ckx_dst SET a = -1 WHERE id = 432");
                    }
                    return n;
                }).build();
        MigrationPlan plan = Fixtures.plan("ckx-copy")
                .invariant("copy-checksum", Cadence.everyBatch(), checksum(ds, ds).build()).build();
        RunReport r = copy.run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.ABORTED);
        assertThat(r.reason()).contains("invariant 'copy-checksum' failed", "differ in key range (431, 432]");
        assertThat(r.rowsProcessed()).isLessThan(ROWS);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aRandomEarlierRangeCatchesDamageBehindTheCursor(Databases.Kind kind) throws Exception {
        DataSource ds = Fixtures.open(kind, "checksum");
        table(ds, "ckx_src", true);
        table(ds, "ckx_dst", true);
        Databases.execute(ds, "UPDATE ckx_dst SET b = 'late damage' WHERE id = 123");
        JdbcChecksum plain = checksum(ds, ds).build();
        JdbcChecksum sampled = checksum(ds, ds).randomEarlierRange(10_000, new SplittableRandom(7)).build();
        InvariantContext ctx = new InvariantContext("m", "full", 1000, 900L, 1000L, "cadence");
        assertThat(plain.check(ctx).passed()).isTrue();
        InvariantResult r = sampled.check(ctx);
        assertThat(r.passed()).isFalse();
        assertThat(r.message()).contains("earlier key range (122, 123]");
        assertThat(r.rowsSampled()).isEqualTo(100 + 900);
    }

    @Test
    void crossDatabaseAndCrossDialectComparisonsAgreeOnIntegersAndText() throws Exception {
        DataSource mem = Fixtures.open(Databases.Kind.H2_MEM, "checksum");
        DataSource file = Fixtures.open(Databases.Kind.H2_FILE, "checksum");
        table(mem, "ckx_src", true);
        table(file, "ckx_dst", true);
        assertThat(checksum(mem, file).build().compare(null, null).matches()).isTrue();
        DataSource pg = Fixtures.open(Databases.Kind.POSTGRESQL, "checksum");
        DataSource maria = Fixtures.open(Databases.Kind.MARIADB, "checksum");
        table(pg, "ckx_src", true);
        table(maria, "ckx_dst", true);
        JdbcChecksum.Comparison ok = checksum(pg, maria).build().compare(null, null);
        assertThat(ok.matches()).isTrue();
        assertThat(ok.sourceHash()).isEqualTo(checksum(mem, file).build().compare(null, null).sourceHash());
        Databases.execute(maria, "UPDATE ckx_dst SET a = NULL WHERE id = 999");
        assertThat(checksum(pg, maria).build().compare(null, null).mismatch()).startsWith("(998, 999]");
    }
}
