package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.BatchEvent;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackfillBehaviourTest {
    private static final String CP = "bbx_checkpoint";
    private static final String T = "bbx_items";

    private static DataSource db(Databases.Kind kind, int rows) {
        DataSource ds = Fixtures.open(kind, "behaviour");
        Databases.execute(ds, "DROP TABLE IF EXISTS " + CP);
        Fixtures.items(ds, T, rows);
        return ds;
    }

    private static JdbcBackfill plusOne(DataSource ds, boolean rerun) {
        return JdbcBackfill.builder(ds, T).keyColumns("id").checkpointTable(CP).rerunCompleted(rerun)
                .statement("UPDATE " + T + " SET n = n + 1 WHERE id > ? AND id <= ?").build();
    }

    private static long count(DataSource ds, String where) {
        return Databases.queryLong(ds, "SELECT COUNT(*) FROM " + T + " WHERE " + where);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void placeholderStatementsIncludeTheFirstKeyAndRerunsAreExplicit(Databases.Kind kind) {
        DataSource ds = db(kind, 250);
        MigrationPlan plan = Fixtures.plan("bbx-rerun").build();
        assertThat(plusOne(ds, false).run(plan, b -> b.timeSource(new ManualTimeSource())).rowsProcessed())
                .isEqualTo(250);
        assertThat(count(ds, "n = 1")).isEqualTo(250);
        plusOne(ds, false).run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(count(ds, "n = 1")).as("completed: skipped").isEqualTo(250);
        RunReport again = plusOne(ds, true).run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(again.rowsResumed()).isZero();
        assertThat(count(ds, "n = 2")).as("rerunCompleted(true)").isEqualTo(250);
        assertThat(plusOne(ds, false).resetCheckpoint("bbx-rerun")).isTrue();
        assertThat(plusOne(ds, false).checkpoint("bbx-rerun")).isEmpty();
        plusOne(ds, false).run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(count(ds, "n = 3")).as("after resetCheckpoint").isEqualTo(250);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aStartedRunMustMatchTheCheckpoint(Databases.Kind kind) {
        DataSource ds = db(kind, 250);
        MigrationPlan plan = Fixtures.plan("bbx-match").build();
        JdbcBackfill bf = plusOne(ds, false);
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(new ManualTimeSource()).start()) {
            run.addListener(new MigrationListener() {
                @Override
                public void onBatchEnd(BatchEvent e) {
                    if (e.sequence() == 2) {
                        run.abort("test stops after two batches");
                    }
                }
            });
            assertThat(bf.run(run).state()).isEqualTo(RunState.ABORTED);
        }
        Checkpoint cp = bf.checkpoint("bbx-match").orElseThrow();
        assertThat(cp.rowsDone()).isEqualTo(200);
        try (MigrationRun fresh = MigrationRun.builder(plan).timeSource(new ManualTimeSource()).start()) {
            assertThatThrownBy(() -> bf.run(fresh)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has a checkpoint at rows=200 cursor=200 but the run starts at rows=0")
                    .hasMessageContaining("resumeFrom");
        }
        try (MigrationRun resumed = MigrationRun.builder(plan).timeSource(new ManualTimeSource())
                .resumeFrom(cp.rowsDone(), cp.cursor()).start()) {
            RunReport r = bf.run(resumed);
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(r.rowsProcessed()).isEqualTo(250);
        }
        assertThat(count(ds, "n = 1")).isEqualTo(250);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void anotherWorkerMovingTheCheckpointAbortsThisRun(Databases.Kind kind) {
        DataSource ds = db(kind, 400);
        MigrationPlan plan = Fixtures.plan("bbx-concurrent").build();
        RunReport r = plusOne(ds, false).run(plan, b -> b.timeSource(new ManualTimeSource())
                .listener(new MigrationListener() {
                    @Override
                    public void onBatchEnd(BatchEvent e) {
                        if (e.sequence() == 2) {
                            Databases.execute(ds, "UPDATE " + CP + " SET rows_done = rows_done + 100");
                        }
                    }
                }));
        assertThat(r.state()).isEqualTo(RunState.ABORTED);
        assertThat(r.reason()).contains("another worker is running the same migration", "keys after 200");
        assertThat(count(ds, "n = 1")).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void countsEstimatesAndKeySpaceForProgress(Databases.Kind kind) {
        DataSource ds = db(kind, 1000);
        if (kind == Databases.Kind.POSTGRESQL) {
            Databases.execute(ds, "ANALYZE " + T);
        } else if (kind == Databases.Kind.MARIADB) {
            Databases.execute(ds, "ANALYZE TABLE " + T);
        }
        JdbcBackfill bf = JdbcBackfill.builder(ds, T).keyColumns("id").range(100L, 900L)
                .statement("UPDATE " + T + " SET n = n + 1 WHERE {range}").build();
        assertThat(bf.countRows()).isEqualTo(800);
        assertThat(bf.estimateRows()).isBetween(500L, 2000L);
        KeySpace space = bf.keySpace();
        assertThat(space.min()).isEqualTo(101L);
        assertThat(space.max()).isEqualTo(900L);
        assertThat(space.progress().applyAsDouble(500L)).isEqualTo(0.5);
        assertThat(space.progress().applyAsDouble(null)).isZero();
        assertThat(space.description()).contains("100", "900");
        assertThat(bf.dialect()).isEqualTo(kind.isH2() ? Dialect.H2 : kind == Databases.Kind.POSTGRESQL
                ? Dialect.POSTGRESQL : Dialect.MARIADB);
        assertThat(JdbcBackfill.builder(ds, T).keyColumns("id").range(5000L, null).statement("x {range}").build()
                .keySpace().isEmpty()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aTextKeyWithPlaceholdersNeedsALowerBound(Databases.Kind kind) {
        DataSource ds = Fixtures.open(kind, "behaviour");
        Databases.execute(ds, "DROP TABLE IF EXISTS " + CP);
        Fixtures.textKeys(ds, "bbx_text", 50);
        RunReport r = JdbcBackfill.builder(ds, "bbx_text").keyColumns("code").checkpointTable(CP)
                .statement("UPDATE bbx_text SET n = n + 1 WHERE code > ? AND code <= ?").build()
                .run(Fixtures.plan("bbx-text").build(), b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.ABORTED);
        assertThat(r.reason()).contains("needs a numeric key or a range lower bound", "{range}");
        RunReport ok = JdbcBackfill.builder(ds, "bbx_text").keyColumns("code").checkpointTable(CP).range("", null)
                .statement("UPDATE bbx_text SET n = n + 1 WHERE code > ? AND code <= ?").build()
                .run(Fixtures.plan("bbx-text-2").build(), b -> b.timeSource(new ManualTimeSource()));
        assertThat(ok.state()).isEqualTo(RunState.COMPLETED);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM bbx_text WHERE n = 1")).isEqualTo(50);
    }
}
