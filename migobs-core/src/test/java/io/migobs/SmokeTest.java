package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void runsToCompletion() {
        ManualTimeSource time = new ManualTimeSource();
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(0.1);
        MigrationPlan plan = MigrationPlan.builder("smoke").totalRows(100_000)
                .phase(Phase.builder("canary").rows(1000).build())
                .phase(Phase.builder("ramp").untilFraction(0.1).build())
                .phase(Phase.builder("full").build())
                .gate(Gate.builder("lag", lag).yellowAbove(5).redAbove(30).build())
                .invariant("check", Cadence.everyRows(10_000), ctx -> InvariantResult.pass(10))
                .build();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MigrationRun run = MigrationRun.builder(plan).meterRegistry(reg).timeSource(time).start()) {
            long cursor = 0;
            while (run.hasNext()) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(b.size() / 10));
                cursor += b.size();
                b.complete(b.size(), cursor);
            }
            RunReport r = run.report();
            System.out.println(r);
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(r.rowsProcessed()).isEqualTo(100_000);
            assertThat(r.phasesCompleted()).containsExactly("canary", "ramp", "full");
        }
    }
}
