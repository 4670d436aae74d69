package io.migobs.jdbc.testsupport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Batch;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.testing.ManualTimeSource;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Drives a run gated on a real replica's lag: each batch is one real committed {@code UPDATE table SET n = n + 1}
 * on the primary (cycling over ids 1..rows) and 250 ms of the run's manual clock, until the run stops on its own
 * (the gate) or {@code cap} passes on the real clock, when it is aborted with "test gave up waiting for the lag to
 * build up". Real lag needs real seconds; the run's own time stays manual.
 */
public final class LaggingWrites {
    /** The abort reason when the cap passes first. */
    public static final String GAVE_UP = "test gave up waiting for the lag to build up";

    private LaggingWrites() {
    }

    /**
     * @param plan the plan (its gates read the replica)
     * @param primary where the writes go
     * @param table a table {@code (id INT PRIMARY KEY, n INT)} holding ids 1..rows
     * @param rows how many ids to cycle over
     * @param cap how long to wait on the real clock for the run to stop
     * @return the run's report
     */
    public static RunReport run(MigrationPlan plan, DataSource primary, String table, int rows, Duration cap) {
        ManualTimeSource time = new ManualTimeSource();
        long deadline = System.nanoTime() + cap.toNanos();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).meterRegistry(new SimpleMeterRegistry())
                .start()) {
            long seq = 0;
            while (run.hasNext()) {
                Batch b = run.nextBatch();
                int id = (int) (seq++ % rows) + 1;
                Databases.execute(primary, "UPDATE " + table + " SET n = n + 1 WHERE id = " + id);
                time.advance(Duration.ofMillis(250));
                b.complete(1, (long) id);
                if (System.nanoTime() - deadline > 0) {
                    run.abort(GAVE_UP);
                }
            }
            return run.report();
        }
    }
}
