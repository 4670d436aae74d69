package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** A signal that throws, hangs, returns garbage or stops updating is UNKNOWN, never green. */
class SignalFaultTest {
    private final ManualTimeSource time = new ManualTimeSource();

    private static final double THROW = -1001;
    private static final double STALE = -1002;

    private MigrationRun run(ScriptedSignal s, Gate.Builder gate) {
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1_000_000).batchSize(10, 10, 10)
                .gate(gate.build()).build();
        return MigrationRun.builder(p).timeSource(time).start();
    }

    private GateState sampleOnce(MigrationRun run) {
        run.hasNext();
        GateState s = run.progress().gates().get("g");
        if (run.hasNext()) {
            Batch b = run.nextBatch();
            time.advance(Duration.ofSeconds(1));
            b.complete(10);
        }
        return s;
    }

    @Test
    void aSignalThatThrowsIsUnknownWithTheErrorInTheReason() {
        ScriptedSignal s = ScriptedSignal.named("lag", "seconds").thenThrow(new java.sql.SQLException("no route"));
        try (MigrationRun run = run(s, Gate.builder("g", s).yellowAbove(5))) {
            assertThat(sampleOnce(run)).isEqualTo(GateState.UNKNOWN);
            assertThat(run.state()).isEqualTo(RunState.THROTTLED);
            assertThat(run.report().gateChanges().get(0).reason()).isEqualTo(
                    "gate 'g' is UNKNOWN: read of signal 'lag' failed: SQLException: no route (treated as yellow)");
        }
    }

    @Test
    void aSignalThatHangsIsBoundedByTheReadTimeout() {
        ScriptedSignal s = ScriptedSignal.named("lag", "seconds").thenHang().then(1);
        try (MigrationRun run = run(s, Gate.builder("g", s).yellowAbove(5).readTimeout(Duration.ofMillis(50)))) {
            assertThat(sampleOnce(run)).isEqualTo(GateState.UNKNOWN);
            assertThat(run.report().gateChanges().get(0).reason()).contains("timed out after PT0.05S");
            // the hung read is still running: the next sample does not pile up another thread on it
            assertThat(sampleOnce(run)).isEqualTo(GateState.UNKNOWN);
            assertThat(s.reads()).isEqualTo(1);
        }
    }

    @Test
    void aStaleReadingIsUnknown() {
        ScriptedSignal s = ScriptedSignal.named("lag", "seconds").then(1).thenStale(1, 60_000).then(1);
        try (MigrationRun run = run(s, Gate.builder("g", s).yellowAbove(5).maxAge(Duration.ofSeconds(10)))) {
            assertThat(sampleOnce(run)).isEqualTo(GateState.GREEN);
            assertThat(sampleOnce(run)).isEqualTo(GateState.UNKNOWN);
            assertThat(run.report().gateChanges().get(0).reason())
                    .contains("signal 'lag' is stale: last observed 60000 ms ago (max 10000 ms)");
        }
    }

    /**
     * The safety property of issue 8: over any sequence of values and faults, a gate never reads GREEN on a sample
     * whose value is above red or unreadable.
     */
    @Property(tries = 300)
    void noSequenceOfValuesAndFaultsMakesAGateGreenWhileItsSignalIsRedOrUnknown(
            @ForAll("readings") @Size(min = 1, max = 50) List<Double> readings,
            @ForAll @IntRange(min = 1, max = 4) int hold, @ForAll @IntRange(min = 1, max = 4) int recover,
            @ForAll boolean unknownAsRed) {
        ManualTimeSource clock = new ManualTimeSource();
        ScriptedSignal s = ScriptedSignal.named("lag", "seconds");
        for (double r : readings) {
            if (r == THROW) {
                s.thenThrow(new RuntimeException("fault"));
            } else if (r == STALE) {
                s.thenStale(1, 3_600_000);
            } else {
                s.then(r);
            }
        }
        s.then(0);
        Gate.Builder g = Gate.builder("g", s).yellowAbove(5).redAbove(30).holdSamples(hold).recoverSamples(recover)
                .maxAge(Duration.ofMinutes(1)).whenUnknown(unknownAsRed ? Gate.UnknownPolicy.TREAT_AS_RED
                        : Gate.UnknownPolicy.TREAT_AS_YELLOW);
        MigrationPlan p = MigrationPlan.builder("m").totalRows(1_000_000).batchSize(10, 10, 10).gate(g.build())
                .build();
        try (MigrationRun run = MigrationRun.builder(p).timeSource(clock).start()) {
            for (double r : readings) {
                boolean more = run.hasNext();
                GateState state = run.progress().gates().get("g");
                boolean bad = r == THROW || r == STALE || Double.isNaN(r) || Double.isInfinite(r) || r < 0 || r > 30;
                if (bad) {
                    assertThat(state).as("reading %s", r).isNotEqualTo(GateState.GREEN);
                }
                if (r > 30 && !Double.isInfinite(r)) {
                    assertThat(run.state()).isNotIn(RunState.RUNNING);
                }
                if (!more) {
                    assertThat(run.state()).isEqualTo(RunState.ABORTED);
                    return;
                }
                Batch b = run.nextBatch();
                clock.advance(Duration.ofSeconds(1));
                b.complete(10);
            }
        }
    }

    @Provide
    Arbitrary<List<Double>> readings() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.doubles().between(0, 5)),
                net.jqwik.api.Tuple.of(3, Arbitraries.doubles().between(5, 30)),
                net.jqwik.api.Tuple.of(3, Arbitraries.doubles().between(30.01, 1e6)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, -0.5, THROW, STALE))).list();
    }
}
