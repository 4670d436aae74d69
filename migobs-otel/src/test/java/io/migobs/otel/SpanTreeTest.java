package io.migobs.otel;

import static io.migobs.otel.OtelHarness.attr;
import static io.migobs.otel.OtelHarness.eventAttributes;
import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.Phase;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.otel.internal.Keys;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpanTreeTest {
    private final OtelHarness otel = new OtelHarness();
    private final ManualTimeSource time = new ManualTimeSource();

    @AfterEach
    void close() {
        otel.close();
    }

    private static MigrationPlan threePhases(String name) {
        return MigrationPlan.builder(name).totalRows(600).batchSize(50, 50, 50)
                .phase(Phase.builder("canary").rows(100).build())
                .phase(Phase.builder("ramp").rows(200).build())
                .phase(Phase.builder("full").build())
                .build();
    }

    @Test
    void aRunWithPhasesIsARunSpanWithAPhaseSpanPerPhaseAndTheBatchesUnderTheirPhase() {
        MigrationTelemetry telemetry = MigrationTelemetry.builder(otel.sdk).batchSpans(BatchSpans.all())
                .dbSystemName("postgresql").dbCollectionName("users").build();
        RunReport report;
        try (MigrationRun run = MigrationRun.builder(threePhases("tree")).timeSource(time)
                .listener(telemetry.listener()).start()) {
            report = OtelHarness.drain(run, time, Duration.ofMillis(100));
        }
        assertThat(report.state()).isEqualTo(RunState.COMPLETED);

        SpanData root = otel.one("migrate tree");
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(root.getInstrumentationScopeInfo().getName()).isEqualTo("io.migobs");
        assertThat(root.getInstrumentationScopeInfo().getVersion()).isEqualTo(
                MigrationTelemetry.instrumentationVersion()).isNotEqualTo("unknown");
        assertThat(attr(root, Keys.MIGRATION)).isEqualTo("tree");
        assertThat(attr(root, Keys.DB_SYSTEM_NAME)).isEqualTo("postgresql");
        assertThat(attr(root, Keys.DB_COLLECTION_NAME)).isEqualTo("users");
        assertThat(attr(root, Keys.OUTCOME)).isEqualTo("COMPLETED");
        assertThat(attr(root, Keys.ROWS)).isEqualTo(600L);
        assertThat(attr(root, Keys.TOTAL_ROWS)).isEqualTo(600L);
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        List<SpanData> phases = otel.named("phase ");
        assertThat(phases).extracting(SpanData::getName).containsExactly("phase canary", "phase ramp", "phase full");
        assertThat(phases).allSatisfy(p -> {
            assertThat(p.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(p.getTraceId()).isEqualTo(root.getTraceId());
            assertThat(attr(p, Keys.DB_COLLECTION_NAME)).isEqualTo("users");
        });
        assertThat(phases).extracting(p -> attr(p, Keys.BATCHES)).containsExactly(2L, 4L, 6L);

        for (SpanData phase : phases) {
            String name = phase.getName().substring("phase ".length());
            List<SpanData> batches = otel.named("batch " + name);
            assertThat(batches).allSatisfy(b -> {
                assertThat(b.getParentSpanId()).isEqualTo(phase.getSpanId());
                assertThat(attr(b, Keys.PHASE)).isEqualTo(name);
                assertThat(attr(b, Keys.BATCH_SIZE)).isEqualTo(50L);
                assertThat(attr(b, Keys.ROWS)).isEqualTo(50L);
                assertThat(attr(b, Keys.DB_SYSTEM_NAME)).isEqualTo("postgresql");
            });
            assertThat(batches).hasSize(attr(phase, Keys.BATCHES).intValue());
        }
        assertThat(otel.named("batch ")).extracting(b -> attr(b, Keys.BATCH_SEQUENCE))
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);

        List<Attributes> promotions = eventAttributes(root, Keys.EVENT_PROMOTED);
        assertThat(promotions).extracting(a -> a.get(Keys.PREVIOUS_PHASE) + "->" + a.get(Keys.PHASE))
                .containsExactly("canary->ramp", "ramp->full");
        assertThat(promotions.get(0).get(Keys.ROWS)).isEqualTo(100L);
        assertThat(promotions.get(0).get(Keys.REASON)).contains("quota done at 100 rows");
        assertThat(Span.current().getSpanContext().isValid()).as("no batch context leaks").isFalse();
    }

    @Test
    void theRunSpanIsAChildOfTheContextCurrentWhenTheRunStarts() {
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);
        Span job = otel.sdk.getTracer("test").spanBuilder("nightly job").startSpan();
        try (Scope ignored = job.makeCurrent();
                MigrationRun run = MigrationRun.builder(threePhases("nested")).timeSource(time)
                        .listener(telemetry.listener()).start()) {
            OtelHarness.drain(run, time, Duration.ofMillis(100));
        } finally {
            job.end();
        }
        SpanData root = otel.one("migrate nested");
        assertThat(root.getParentSpanId()).isEqualTo(job.getSpanContext().getSpanId());
        assertThat(root.getTraceId()).isEqualTo(job.getSpanContext().getTraceId());
    }

    @Test
    void aPlanWithRelativeGatesGetsAPreflightSpanWithTheBaselinesAndEffectiveThresholds() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(2.0);
        MigrationPlan plan = MigrationPlan.builder("relative").totalRows(100).batchSize(50, 50, 50)
                .baselineWindow(Duration.ofSeconds(3))
                .gate(Gate.builder("lag", lag).relativeToBaseline(Gate.BaselineStatistic.MEDIAN)
                        .yellowAbove(3).redAbove(10).build())
                .build();
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener()).start()) {
            OtelHarness.drain(run, time, Duration.ofMillis(100));
        }
        SpanData root = otel.one("migrate relative");
        SpanData preflight = otel.one("preflight relative");
        assertThat(preflight.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(preflight.getStartEpochNanos()).isEqualTo(root.getStartEpochNanos());
        SpanData phase = otel.one("phase full");
        assertThat(preflight.getEndEpochNanos()).isLessThanOrEqualTo(phase.getStartEpochNanos());
        List<Attributes> baselines = eventAttributes(preflight, Keys.EVENT_BASELINE);
        assertThat(baselines).singleElement().satisfies(b -> {
            assertThat(b.get(Keys.GATE)).isEqualTo("lag");
            assertThat(b.get(Keys.GATE_BASELINE)).isEqualTo(2.0);
            assertThat(b.get(Keys.GATE_YELLOW)).isEqualTo(6.0);
            assertThat(b.get(Keys.GATE_RED)).isEqualTo(20.0);
            assertThat(b.get(Keys.GATE_UNIT)).isEqualTo("seconds");
        });
    }

    @Test
    void aListenerAddedAfterStartStillTracesTheRun() {
        MigrationTelemetry telemetry = MigrationTelemetry.builder(otel.sdk).batchSpans(BatchSpans.all()).build();
        try (MigrationRun run = MigrationRun.builder(threePhases("late")).timeSource(time).start()) {
            run.addListener(telemetry.listener());
            OtelHarness.drain(run, time, Duration.ofMillis(100));
        }
        SpanData root = otel.one("migrate late");
        assertThat(otel.named("phase ")).extracting(SpanData::getName)
                .containsExactly("phase canary", "phase ramp", "phase full");
        assertThat(otel.named("batch ")).hasSize(12).allSatisfy(b ->
                assertThat(b.getTraceId()).isEqualTo(root.getTraceId()));
        assertThat(otel.named("preflight")).isEmpty();
    }

    @Test
    void aListenerRefusesASecondRunAndKeepsObservingTheFirst() {
        MigrationTelemetry telemetry = MigrationTelemetry.builder(otel.sdk).batchSpans(BatchSpans.all()).build();
        var listener = telemetry.listener();
        try (MigrationRun first = MigrationRun.builder(threePhases("first")).timeSource(time).listener(listener)
                .start();
                MigrationRun second = MigrationRun.builder(threePhases("second")).timeSource(time)
                        .listener(listener).start()) {
            OtelHarness.drain(second, time, Duration.ofMillis(100));
            OtelHarness.drain(first, time, Duration.ofMillis(100));
        }
        assertThat(otel.named("migrate ")).extracting(SpanData::getName).containsExactly("migrate first");
        assertThat(otel.named("batch ")).hasSize(12).allSatisfy(b ->
                assertThat(attr(b, Keys.MIGRATION)).isEqualTo("first"));
        assertThat(otel.finished().stream().map(SpanData::getTraceId).distinct().collect(Collectors.toList()))
                .hasSize(1);
    }
}
