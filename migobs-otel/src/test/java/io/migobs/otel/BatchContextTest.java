package io.migobs.otel;

import static io.migobs.otel.OtelHarness.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.Batch;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.Phase;
import io.migobs.otel.internal.Keys;
import io.migobs.testing.ManualTimeSource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class BatchContextTest {
    private final OtelHarness otel = new OtelHarness();
    private final ManualTimeSource time = new ManualTimeSource();
    private final Tracer jdbc = otel.sdk.getTracer("jdbc-like");

    @AfterEach
    void close() {
        otel.close();
        MDC.clear();
    }

    private static MigrationPlan plan(String name, long batches) {
        return MigrationPlan.builder(name).totalRows(batches * 10).batchSize(10, 10, 10).build();
    }

    private MigrationRun start(MigrationPlan plan, BatchSpans policy) {
        MigrationTelemetry telemetry = MigrationTelemetry.builder(otel.sdk).batchSpans(policy).build();
        return MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener()).start();
    }

    private static List<Long> sequences(List<SpanData> spans) {
        return spans.stream().map(s -> attr(s, Keys.BATCH_SEQUENCE)).sorted().collect(Collectors.toList());
    }

    @Test
    void theDefaultTracesTheFirstTenBatchesThenOneInAHundredPlusEveryFailure() {
        try (MigrationRun run = start(plan("defaults", 250), BatchSpans.defaults())) {
            OtelHarness.drain(run, time, Duration.ofMillis(10), b -> {
                if (b.sequence() == 150) {
                    throw new SQLException("deadlock detected", "40P01");
                }
            });
        }
        List<SpanData> batches = otel.named("batch ");
        // 251 batches: the failed one is retried as batch 251
        assertThat(sequences(batches)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 100L, 150L, 200L);
        SpanData failed = batches.stream().filter(b -> attr(b, Keys.BATCH_SEQUENCE) == 150L).findFirst()
                .orElseThrow();
        SpanData phase = otel.one("phase full");
        assertThat(failed.getParentSpanId()).isEqualTo(phase.getSpanId());
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getStatus().getDescription()).isEqualTo("deadlock detected");
        assertThat(attr(failed, Keys.ERROR_TYPE)).isEqualTo("java.sql.SQLException");
        assertThat(failed.getEvents()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("exception");
            assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.type")))
                    .isEqualTo("java.sql.SQLException");
        });
        assertThat(failed.getEndEpochNanos() - failed.getStartEpochNanos())
                .as("back-dated by the batch's duration on the run's clock").isEqualTo(10_000_000L);
    }

    @Test
    void oneInNTracesTheFirstBatchOfEachPhaseAndEveryNth() {
        MigrationPlan plan = MigrationPlan.builder("one-in-n").totalRows(300).batchSize(10, 10, 10)
                .phase(Phase.builder("canary").rows(100).build()).phase(Phase.builder("full").build()).build();
        try (MigrationRun run = start(plan, BatchSpans.sampled(4))) {
            OtelHarness.drain(run, time, Duration.ofMillis(10));
        }
        // canary: batches 1..10 of the phase; full: batches 11..30 of the run, 1..20 of the phase
        assertThat(sequences(otel.named("batch canary"))).containsExactly(1L, 4L, 8L);
        assertThat(sequences(otel.named("batch full"))).containsExactly(11L, 14L, 18L, 22L, 26L, 30L);
    }

    @Test
    void failedOnlyTracesNothingButFailures() {
        try (MigrationRun run = start(plan("failed-only", 50), BatchSpans.failedOnly())) {
            OtelHarness.drain(run, time, Duration.ofMillis(10), b -> {
                if (b.sequence() == 7) {
                    b.fail(new IllegalStateException("constraint violated"));
                }
            });
        }
        assertThat(sequences(otel.named("batch "))).containsExactly(7L);
    }

    @Test
    void aJdbcSpanCreatedInsideTheBatchWorkNestsUnderTheBatchSpanAndLogsCarryItsIds() {
        Map<Long, SpanContext> seen = new HashMap<>();
        Map<Long, String> mdcTrace = new HashMap<>();
        Map<Long, String> mdcSpan = new HashMap<>();
        MDC.put("trace_id", "outer");
        try (MigrationRun run = start(plan("jdbc", 30), BatchSpans.firstThenEvery(2, 10))) {
            OtelHarness.drain(run, time, Duration.ofMillis(10), b -> {
                Span query = jdbc.spanBuilder("UPDATE users").startSpan(); // implicit parent: Context.current()
                seen.put(b.sequence(), query.getSpanContext());
                query.end();
                mdcTrace.put(b.sequence(), MDC.get("trace_id"));
                mdcSpan.put(b.sequence(), MDC.get("span_id"));
            });
            assertThat(Span.current().getSpanContext().isValid()).isFalse();
        }
        assertThat(MDC.get("trace_id")).as("restored after each batch").isEqualTo("outer");
        assertThat(MDC.get("span_id")).isNull();

        Map<Long, SpanData> batches = otel.named("batch ").stream()
                .collect(Collectors.toMap(s -> attr(s, Keys.BATCH_SEQUENCE), s -> s));
        assertThat(batches.keySet()).containsExactlyInAnyOrder(1L, 2L, 10L, 20L, 30L);
        List<SpanData> queries = otel.named("UPDATE users");
        assertThat(queries).as("only the traced batches' queries are sampled (parent-based sampler)").hasSize(5);
        for (SpanData q : queries) {
            SpanData parent = batches.values().stream().filter(b -> b.getSpanId().equals(q.getParentSpanId()))
                    .findFirst().orElseThrow(() -> new AssertionError("query not under a batch span: " + q));
            long seq = attr(parent, Keys.BATCH_SEQUENCE);
            assertThat(seen.get(seq).getSpanId()).isEqualTo(q.getSpanId());
            assertThat(mdcTrace.get(seq)).isEqualTo(parent.getTraceId());
            assertThat(mdcSpan.get(seq)).isEqualTo(parent.getSpanId());
        }
        String trace = otel.one("migrate jdbc").getTraceId();
        List<Long> untraced = LongStream.rangeClosed(1, 30).boxed().filter(s -> !batches.containsKey(s))
                .collect(Collectors.toList());
        for (long s : untraced) {
            assertThat(seen.get(s).getTraceId()).as("batch %d stays in the run's trace", s).isEqualTo(trace);
            assertThat(seen.get(s).isSampled()).isFalse();
            assertThat(mdcTrace.get(s)).isEqualTo(trace);
        }
    }

    @Test
    void aBatchFinishedOnAnotherThreadEndsItsSpanAndTheWorkerScopeClosesAtItsNextBatch() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        List<String> currentAtStart = new ArrayList<>();
        try (MigrationRun run = start(plan("handoff", 3), BatchSpans.all())) {
            long cursor = 0;
            while (run.hasNext()) {
                Batch b = run.nextBatch();
                currentAtStart.add(Span.current().getSpanContext().getSpanId());
                time.advance(Duration.ofMillis(10));
                long c = cursor += b.size();
                other.submit(() -> b.complete(b.size(), c)).get();
            }
            assertThat(Span.current().getSpanContext().isValid()).as("closed when the run finished").isFalse();
        } finally {
            other.shutdownNow();
        }
        List<SpanData> batches = otel.named("batch ");
        assertThat(batches).hasSize(3).allSatisfy(b -> assertThat(attr(b, Keys.ROWS)).isEqualTo(10L));
        assertThat(currentAtStart).containsExactlyElementsOf(
                batches.stream().sorted((x, y) -> Long.compare(attr(x, Keys.BATCH_SEQUENCE),
                        attr(y, Keys.BATCH_SEQUENCE))).map(SpanData::getSpanId).collect(Collectors.toList()));
    }
    @Test
    void aRunClosedWithABatchInFlightEndsThatBatchSpanAsAnErrorAndLeavesNoContextBehind() {
        Batch inFlight;
        try (MigrationRun run = start(plan("closed-early", 10), BatchSpans.all())) {
            Batch first = run.nextBatch();
            first.complete(first.size(), 10L);
            inFlight = run.nextBatch();
            assertThat(Span.current().getSpanContext().isValid()).isTrue();
        }
        assertThat(Span.current().getSpanContext().isValid()).as("scope closed when the run finished").isFalse();
        assertThat(MDC.get("trace_id")).isNull();
        inFlight.complete(inFlight.size(), 20L); // the worker finishes late: no error, no second span
        SpanData batch2 = otel.named("batch ").stream().filter(b -> attr(b, Keys.BATCH_SEQUENCE) == 2L)
                .findFirst().orElseThrow();
        assertThat(batch2.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(batch2.getStatus().getDescription()).isEqualTo("run ended while the batch was in flight");
        assertThat(otel.named("batch ")).hasSize(2);
        SpanData root = otel.one("migrate closed-early");
        assertThat(attr(root, Keys.OUTCOME)).isEqualTo("ABORTED");
        assertThat(root.getStatus().getDescription()).isEqualTo("closed before completion");
    }
    @Test
    void partitionedWorkersEachRunTheirBatchInsideTheirOwnBatchSpan() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(3);
        Map<String, String> queryToBatch = new java.util.concurrent.ConcurrentHashMap<>();
        try (MigrationRun run = start(plan("partitions", 60), BatchSpans.all())) {
            List<java.util.concurrent.Future<?>> loops = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                loops.add(workers.submit(() -> {
                    while (run.hasNext()) {
                        Batch b = run.nextBatch();
                        String batchSpan = Span.current().getSpanContext().getSpanId();
                        Span query = jdbc.spanBuilder("UPDATE users").startSpan();
                        queryToBatch.put(query.getSpanContext().getSpanId(), batchSpan);
                        query.end();
                        b.complete(b.size());
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : loops) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS); // guards against a hang, asserts no timing
            }
        } finally {
            workers.shutdownNow();
        }
        List<SpanData> batches = otel.named("batch ");
        assertThat(batches).hasSize(60);
        assertThat(sequences(batches)).doesNotHaveDuplicates();
        List<SpanData> queries = otel.named("UPDATE users");
        assertThat(queries).hasSize(60).allSatisfy(q ->
                assertThat(q.getParentSpanId()).isEqualTo(queryToBatch.get(q.getSpanId())));
        assertThat(queries.stream().map(SpanData::getParentSpanId).distinct().count()).isEqualTo(60);
    }
}
