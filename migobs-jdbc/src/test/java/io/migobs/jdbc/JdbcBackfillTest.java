package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcBackfillTest {
    private static final String CP = "bfx_checkpoint";

    private static DataSource db(Databases.Kind kind) {
        DataSource ds = Fixtures.open(kind, "backfill");
        Databases.execute(ds, "DROP TABLE IF EXISTS " + CP);
        return ds;
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void walksEveryRowOnceAndCompletesTheCheckpoint(Databases.Kind kind) {
        DataSource ds = db(kind);
        Fixtures.items(ds, "bfx_items", 1234);
        JdbcBackfill bf = JdbcBackfill.builder(ds, "bfx_items").keyColumns("id")
                .statement("UPDATE bfx_items SET n = n + 1 WHERE {range}").checkpointTable(CP).build();
        MigrationPlan plan = Fixtures.plan("bfx-walk").totalRows(bf.countRows()).build();
        ManualTimeSource time = new ManualTimeSource();
        RunReport r = bf.run(plan, b -> b.timeSource(time));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.rowsProcessed()).isEqualTo(1234);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM bfx_items WHERE n = 1")).isEqualTo(1234);
        Checkpoint cp = bf.checkpoint("bfx-walk").orElseThrow();
        assertThat(cp.status()).isEqualTo(Checkpoint.Status.COMPLETED);
        assertThat(cp.rowsDone()).isEqualTo(1234);
        assertThat(cp.cursor()).isEqualTo(1234L);
        assertThat(cp.cursorText()).isEqualTo("L:1234");

        RunReport again = bf.run(plan, b -> b.timeSource(time));
        assertThat(again.state()).isEqualTo(RunState.COMPLETED);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM bfx_items WHERE n = 1"))
                .as("a completed migration is not re-run").isEqualTo(1234);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void compositeKeysWithEstimatedTotalAndKeyRangeProgress(Databases.Kind kind) {
        DataSource ds = db(kind);
        Fixtures.composite(ds, "bfx_comp", 777);
        JdbcBackfill bf = JdbcBackfill.builder(ds, "bfx_comp").keyColumns("region", "seq")
                .statement("UPDATE bfx_comp SET n = n + 1 WHERE {range}").checkpointTable(CP).build();
        KeySpace space = bf.keySpace();
        assertThat(space.min()).isEqualTo(List.of("r0", 5L));
        assertThat(space.max()).isEqualTo(List.of("r4", 774L));
        MigrationPlan plan = Fixtures.plan("bfx-comp").progressFromCursor(space.progress(), space.description())
                .build();
        RunReport r = bf.run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.rowsProcessed()).isEqualTo(777);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM bfx_comp WHERE n = 1")).isEqualTo(777);
        assertThat(bf.checkpoint("bfx-comp").orElseThrow().cursorText()).isEqualTo("S:r4,L:774");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void textKeysWithACallbackAndARange(Databases.Kind kind) {
        DataSource ds = db(kind);
        Fixtures.textKeys(ds, "bfx_text", 500);
        JdbcBackfill bf = JdbcBackfill.builder(ds, "bfx_text").keyColumns("code").range("k00100", "k00400")
                .operation((c, range) -> {
                    try (var ps = c.prepareStatement("UPDATE bfx_text SET n = n + 1 WHERE " + range.predicate())) {
                        range.bind(ps, 1);
                        return ps.executeUpdate();
                    }
                }).checkpointTable(CP).build();
        assertThat(bf.countRows()).isEqualTo(300);
        MigrationPlan plan = Fixtures.plan("bfx-text").build();
        RunReport r = bf.run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.rowsProcessed()).isEqualTo(300);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM bfx_text WHERE n = 1")).isEqualTo(300);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM bfx_text WHERE n = 1 AND code > 'k00100'"
                + " AND code <= 'k00400'")).isEqualTo(300);
    }
}
