package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.testing.ManualTimeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Simulated crashes (an Error thrown at a commit, an abandoned connection), then a restart: exactly-once. */
class CrashSimulationTest {
    private static final String CP = "crx_checkpoint";
    private static final int ROWS = 950;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Databases.Kind k : Databases.Kind.values()) {
            for (FaultyDataSource.Mode m : FaultyDataSource.Mode.values()) {
                out.add(Arguments.of(k, m));
            }
        }
        return out;
    }

    private static DataSource db(Databases.Kind kind, String table) {
        DataSource ds = Fixtures.open(kind, "crash");
        Databases.execute(ds, "DROP TABLE IF EXISTS " + CP);
        Fixtures.items(ds, table, ROWS);
        return ds;
    }

    private static JdbcBackfill backfill(DataSource ds, String table) {
        return JdbcBackfill.builder(ds, table).keyColumns("id")
                .statement("UPDATE " + table + " SET n = n + 1 WHERE {range}").checkpointTable(CP).build();
    }

    private static List<List<String>> expected() {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i <= ROWS; i++) {
            rows.add(Arrays.asList(Integer.toString(i), "1", i % 7 == 0 ? null : "v" + i));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void crashAtACommitThenRestartAppliesEveryBatchExactlyOnce(Databases.Kind kind, FaultyDataSource.Mode mode)
            throws Exception {
        DataSource ds = db(kind, "crx_items");
        MigrationPlan plan = Fixtures.plan("crx-" + mode.name().toLowerCase()).totalRows(ROWS).build();
        FaultyDataSource faulty = new FaultyDataSource(ds, mode, 4);
        assertThatThrownBy(() -> backfill(faulty, "crx_items").run(plan, b -> b.timeSource(new ManualTimeSource())))
                .isInstanceOf(FaultyDataSource.SimulatedCrash.class);
        faulty.closeAbandoned();
        long applied = Databases.queryLong(ds, "SELECT COUNT(*) FROM crx_items WHERE n = 1");
        Checkpoint cp = backfill(ds, "crx_items").checkpoint(plan.name()).orElseThrow();
        assertThat(cp.rowsDone()).as("checkpoint and data move together").isEqualTo(applied);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM crx_items WHERE n > 1")).isZero();
        // 3 batches committed before the crash; the 4th committed only when the crash came after its commit
        assertThat(applied).isEqualTo(mode == FaultyDataSource.Mode.AFTER_COMMIT ? 4 * 100 : 3 * 100);

        RunReport r = backfill(ds, "crx_items").run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.rowsResumed()).isEqualTo(applied);
        assertThat(r.rowsProcessed()).isEqualTo(ROWS);
        assertThat(Databases.rows(ds, "SELECT id, n, t FROM crx_items ORDER BY id")).isEqualTo(expected());
        assertThat(backfill(ds, "crx_items").checkpoint(plan.name()).orElseThrow().status())
                .isEqualTo(Checkpoint.Status.COMPLETED);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void compositeTextKeysResumeFromTheirEncodedCursor(Databases.Kind kind, FaultyDataSource.Mode mode)
            throws Exception {
        DataSource ds = Fixtures.open(kind, "crash");
        Databases.execute(ds, "DROP TABLE IF EXISTS " + CP);
        Fixtures.composite(ds, "crx_comp", 430);
        MigrationPlan plan = Fixtures.plan("crx-comp-" + mode.name().toLowerCase()).build();
        FaultyDataSource faulty = new FaultyDataSource(ds, mode, 3);
        assertThatThrownBy(() -> JdbcBackfill.builder(faulty, "crx_comp").keyColumns("region", "seq")
                .checkpointTable(CP).statement("UPDATE crx_comp SET n = n + 1 WHERE {range}").build()
                .run(plan, b -> b.timeSource(new ManualTimeSource())))
                .isInstanceOf(FaultyDataSource.SimulatedCrash.class);
        faulty.closeAbandoned();
        JdbcBackfill bf = JdbcBackfill.builder(ds, "crx_comp").keyColumns("region", "seq").checkpointTable(CP)
                .statement("UPDATE crx_comp SET n = n + 1 WHERE {range}").build();
        Checkpoint cp = bf.checkpoint(plan.name()).orElseThrow();
        assertThat(cp.cursor()).isInstanceOf(List.class);
        assertThat(cp.cursorText()).startsWith("S:r");
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM crx_comp WHERE n = 1")).isEqualTo(cp.rowsDone());
        RunReport r = bf.run(plan, b -> b.timeSource(new ManualTimeSource()));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.rowsResumed()).isEqualTo(cp.rowsDone()).isPositive();
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM crx_comp WHERE n = 1")).isEqualTo(430);
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM crx_comp WHERE n <> 1")).isZero();
    }

    @Test
    void manyRandomCrashesOnH2FileStillApplyEveryRowExactlyOnce() throws Exception {
        DataSource ds = db(Databases.Kind.H2_FILE, "crx_many");
        MigrationPlan plan = Fixtures.plan("crx-many").build(); // no total: ends when the key space is exhausted
        Random rnd = new Random(42);
        int crashes = 0;
        for (int attempt = 0; attempt < 30; attempt++) {
            FaultyDataSource.Mode mode = FaultyDataSource.Mode.values()[rnd.nextInt(3)];
            FaultyDataSource faulty = new FaultyDataSource(ds, mode, 1 + rnd.nextInt(4));
            try {
                RunReport r = backfill(faulty, "crx_many").run(plan, b -> b.timeSource(new ManualTimeSource()));
                assertThat(r.state()).isEqualTo(RunState.COMPLETED);
                break;
            } catch (FaultyDataSource.SimulatedCrash e) {
                crashes++;
                faulty.closeAbandoned();
            }
        }
        assertThat(crashes).isGreaterThanOrEqualTo(5);
        assertThat(Databases.rows(ds, "SELECT id, n, t FROM crx_many ORDER BY id")).isEqualTo(expected());
    }
}
