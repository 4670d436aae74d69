package io.migobs.otel;

import static io.migobs.otel.OtelHarness.attr;
import static io.migobs.otel.OtelHarness.eventAttributes;
import static io.migobs.otel.OtelHarness.events;
import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.InvariantResult;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RollbackComplexity;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.otel.internal.Keys;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DecisionEventsTest {
    private final OtelHarness otel = new OtelHarness();
    private final ManualTimeSource time = new ManualTimeSource();
    private final MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);

    @AfterEach
    void close() {
        otel.close();
    }

    private static MigrationPlan.Builder plan(String name, ScriptedSignal lag) {
        return MigrationPlan.builder(name).totalRows(2000).batchSize(100, 100, 100)
                .gate(Gate.builder("lag", lag).yellowAbove(5).redAbove(30).build());
    }

    private RunReport run(MigrationPlan plan, MigrationListener... more) {
        MigrationRun.Builder b = MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener());
        for (MigrationListener l : more) {
            b.listener(l);
        }
        try (MigrationRun run = b.start()) {
            return OtelHarness.drain(run, time, Duration.ofSeconds(1));
        }
    }

    @Test
    void aYellowGateThrottlesAndItsRecoveryProceedsWithValuesAndThresholdsOnTheEvents() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.5, 2).repeat(8.0, 5)
                .then(0.5);
        RunReport report = run(plan("throttle", lag).build());
        assertThat(report.state()).isEqualTo(RunState.COMPLETED);
        SpanData phase = otel.one("phase full");

        List<Attributes> gates = eventAttributes(phase, Keys.EVENT_GATE);
        assertThat(gates).extracting(a -> a.get(Keys.GATE_PREVIOUS_STATE) + "->" + a.get(Keys.GATE_STATE))
                .containsExactly("GREEN->YELLOW", "YELLOW->GREEN");
        Attributes yellow = gates.get(0);
        assertThat(yellow.get(Keys.GATE)).isEqualTo("lag");
        assertThat(yellow.get(Keys.GATE_VALUE)).isEqualTo(8.0);
        assertThat(yellow.get(Keys.GATE_YELLOW)).isEqualTo(5.0);
        assertThat(yellow.get(Keys.GATE_RED)).isEqualTo(30.0);
        assertThat(yellow.get(Keys.GATE_UNIT)).isEqualTo("seconds");
        assertThat(yellow.get(Keys.REASON)).contains("8");
        assertThat(gates.get(1).get(Keys.GATE_VALUE)).isEqualTo(0.5);

        List<Attributes> decisions = eventAttributes(phase, Keys.EVENT_DECISION);
        assertThat(decisions).extracting(a -> a.get(Keys.PREVIOUS_DECISION) + "->" + a.get(Keys.DECISION))
                .containsExactly("PROCEED->THROTTLE", "THROTTLE->PROCEED");
        Attributes throttle = decisions.get(0);
        assertThat(throttle.get(Keys.GATE)).isEqualTo("lag");
        assertThat(throttle.get(Keys.GATE_STATE)).isEqualTo("YELLOW");
        assertThat(throttle.get(Keys.GATE_VALUE)).isEqualTo(8.0);
        assertThat(throttle.get(Keys.GATE_YELLOW)).isEqualTo(5.0);
        assertThat(throttle.get(Keys.BATCH_SIZE)).isEqualTo(100L);
        assertThat(throttle.get(Keys.RATE_LIMIT)).isPositive();
        assertThat(decisions.get(1).get(Keys.GATE_STATE)).isEqualTo("GREEN");

        assertThat(eventAttributes(phase, Keys.EVENT_STATE)).extracting(a -> a.get(Keys.STATE))
                .containsSubsequence("THROTTLED", "RUNNING", "COMPLETED");
        assertThat(phase.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aRedGateAbortsWithErrorStatusAnExceptionAndTheRedValueOnTheDecision() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.5, 3).then(40.0);
        RunReport report = run(plan("abort", lag).build());
        assertThat(report.state()).isEqualTo(RunState.ABORTED);

        SpanData phase = otel.one("phase full");
        Attributes abort = eventAttributes(phase, Keys.EVENT_DECISION).stream()
                .filter(a -> "ABORT".equals(a.get(Keys.DECISION))).findFirst().orElseThrow();
        assertThat(abort.get(Keys.GATE)).isEqualTo("lag");
        assertThat(abort.get(Keys.GATE_STATE)).isEqualTo("RED");
        assertThat(abort.get(Keys.GATE_VALUE)).isEqualTo(40.0);
        assertThat(abort.get(Keys.GATE_RED)).isEqualTo(30.0);
        assertThat(abort.get(Keys.REASON)).contains("RED");
        assertThat(phase.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);

        SpanData root = otel.one("migrate abort");
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(root.getStatus().getDescription()).isEqualTo(report.reason());
        assertThat(attr(root, Keys.OUTCOME)).isEqualTo("ABORTED");
        assertThat(attr(root, Keys.ERROR_TYPE)).isEqualTo("io.migobs.MigrationAbortedException");
        EventData exception = events(root, "exception").get(0);
        assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.type")))
                .isEqualTo("io.migobs.MigrationAbortedException");
        assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.message")))
                .contains("ABORTED").contains("40");
    }

    @Test
    void anOperatorPauseAndResumeAreStateEvents() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(0.5);
        MigrationPlan plan = plan("operator", lag).build();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener()).start()) {
            OtelHarness.drain(run, time, Duration.ofSeconds(1), b -> {
                if (b.sequence() == 3) {
                    run.pause();
                    run.resume();
                }
            });
        }
        List<Attributes> states = eventAttributes(otel.one("phase full"), Keys.EVENT_STATE);
        assertThat(states).extracting(a -> a.get(Keys.STATE) + ": " + a.get(Keys.REASON))
                .containsSubsequence("PAUSED: paused by operator", "RUNNING: resumed by operator");
        assertThat(eventAttributes(otel.one("migrate operator"), Keys.EVENT_STATE))
                .extracting(a -> a.get(Keys.PREVIOUS_STATE) + "->" + a.get(Keys.STATE))
                .containsExactly("PREFLIGHT->RUNNING");
    }

    @Test
    void aFailedInvariantIsAnEventWithItsMessageAndAbortsTheRun() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(0.5);
        MigrationPlan plan = plan("invariant", lag)
                .invariant("row-count", Cadence.everyRows(500), ctx -> ctx.rowsProcessed() < 1000
                        ? InvariantResult.pass(10) : InvariantResult.fail(10, "3 rows missing in (900, 1000]"))
                .build();
        RunReport report = run(plan);
        assertThat(report.state()).isEqualTo(RunState.ABORTED);
        SpanData phase = otel.one("phase full");
        assertThat(eventAttributes(phase, Keys.EVENT_INVARIANT_FAILED)).singleElement().satisfies(a -> {
            assertThat(a.get(Keys.INVARIANT)).isEqualTo("row-count");
            assertThat(a.get(Keys.INVARIANT_PASSED)).isFalse();
            assertThat(a.get(Keys.INVARIANT_TRIGGER)).isEqualTo("cadence");
            assertThat(a.get(Keys.INVARIANT_ROWS)).isEqualTo(10L);
            assertThat(a.get(Keys.INVARIANT_MESSAGE)).isEqualTo("3 rows missing in (900, 1000]");
        });
        assertThat(eventAttributes(phase, Keys.EVENT_INVARIANT_PASSED)).as("cadence passes are not traced").isEmpty();
        Attributes abort = eventAttributes(phase, Keys.EVENT_DECISION).stream()
                .filter(a -> "ABORT".equals(a.get(Keys.DECISION))).findFirst().orElseThrow();
        assertThat(abort.get(Keys.REASON)).contains("invariant 'row-count' failed");
        assertThat(abort.get(Keys.GATE)).as("no gate drove this decision").isNull();
        assertThat(otel.one("migrate invariant").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void aRedGateOnAnIrreversibleMigrationStabilizesAndEscalatesWithTheGateValues() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.5, 3).then(40.0);
        AtomicReference<MigrationRun> holder = new AtomicReference<>();
        MigrationListener human = new MigrationListener() {
            @Override
            public void onAttach(MigrationRun run) {
                holder.set(run);
            }

            @Override
            public void onEscalation(String reason) {
                holder.get().abort("on-call decided to stop");
            }
        };
        RunReport report = run(plan("irreversible", lag).rollback(RollbackComplexity.IMPOSSIBLE).build(), human);
        assertThat(report.state()).isEqualTo(RunState.ABORTED);
        SpanData phase = otel.one("phase full");
        // the gate passes yellow (throttle) on its way to red
        assertThat(eventAttributes(phase, Keys.EVENT_DECISION)).extracting(a -> a.get(Keys.DECISION))
                .containsExactly("THROTTLE", "STABILIZE", "ABORT");
        assertThat(eventAttributes(phase, Keys.EVENT_ESCALATION)).singleElement().satisfies(a -> {
            assertThat(a.get(Keys.REASON)).contains("RED");
            assertThat(a.get(Keys.GATE)).isEqualTo("lag");
            assertThat(a.get(Keys.GATE_VALUE)).isEqualTo(40.0);
            assertThat(a.get(Keys.GATE_RED)).isEqualTo(30.0);
        });
        assertThat(otel.one("migrate irreversible").getStatus().getDescription())
                .contains("on-call decided to stop");
    }
}
