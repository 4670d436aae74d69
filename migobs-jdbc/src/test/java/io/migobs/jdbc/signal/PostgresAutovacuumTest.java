package io.migobs.jdbc.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.Signal;
import io.migobs.jdbc.testsupport.AwaitCondition;
import io.migobs.jdbc.testsupport.Databases;
import io.migobs.jdbc.testsupport.PgScratchSupport;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The autovacuum signal sees a real autovacuum worker. Runs on the throwaway cluster of {@code .ci/pg-scratch.sh}
 * (autovacuum_naptime 1 s there, never changed on the shared server), on a table tuned so that autovacuum starts at
 * once and crawls (cost limit 1, delay 100 ms), and waits — bounded — for the worker to appear.
 */
class PostgresAutovacuumTest {

    @Test
    void anAutovacuumWorkerOnTheTableReadsOneAndOtherTablesReadZero() throws Exception {
        DataSource scratch = PgScratchSupport.open();
        Databases.execute(scratch, "DROP TABLE IF EXISTS av_busy", "DROP TABLE IF EXISTS av_quiet",
                "CREATE TABLE av_quiet (id INT PRIMARY KEY)",
                "CREATE TABLE av_busy (id INT PRIMARY KEY, pad TEXT) WITH (autovacuum_vacuum_threshold = 0,"
                        + " autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 100,"
                        + " autovacuum_vacuum_cost_limit = 1)",
                "INSERT INTO av_busy SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g",
                "DELETE FROM av_busy");
        DatabaseSignals signals = DatabaseSignals.on(scratch);
        Signal busy = signals.postgresAutovacuumRunning("av_busy");
        Signal quiet = signals.postgresAutovacuumRunning("public.av_quiet");
        try {
            double seen = AwaitCondition.until("an autovacuum worker on av_busy", Duration.ofSeconds(30), busy::read,
                    v -> v >= 1.0);
            assertThat(seen).isEqualTo(1.0);
            assertThat(quiet.read()).isEqualTo(0.0);
            assertThat(busy.unit()).isEqualTo("workers");
        } finally {
            // A (non-wraparound) autovacuum yields to the DROP's lock.
            Databases.execute(scratch, "DROP TABLE IF EXISTS av_busy", "DROP TABLE IF EXISTS av_quiet");
        }
    }
}
