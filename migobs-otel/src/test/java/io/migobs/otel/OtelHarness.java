package io.migobs.otel;

import io.migobs.Batch;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.testing.ManualTimeSource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** An SDK with in-memory span exporter and metric reader (not registered globally), and a batch loop. */
final class OtelHarness implements AutoCloseable {
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();

    /** The work of one batch in {@link #drain}; returns false to leave the batch unfinished. */
    interface Work {
        void process(Batch batch) throws Exception;
    }

    /** Runs the loop: each batch takes {@code perBatch} on the manual clock, then the work, then completes. */
    static RunReport drain(MigrationRun run, ManualTimeSource time, Duration perBatch, Work work) {
        long cursor = 0;
        while (run.hasNext()) {
            Batch b = run.nextBatch();
            time.advance(perBatch);
            try {
                work.process(b);
            } catch (Exception e) {
                if (!b.isFinished()) {
                    b.fail(e);
                }
                continue;
            }
            if (!b.isFinished()) {
                cursor += b.size();
                b.complete(b.size(), cursor);
            }
        }
        return run.report();
    }

    static RunReport drain(MigrationRun run, ManualTimeSource time, Duration perBatch) {
        return drain(run, time, perBatch, b -> { });
    }

    List<SpanData> finished() {
        return spans.getFinishedSpanItems();
    }

    List<SpanData> named(String prefix) {
        return finished().stream().filter(s -> s.getName().startsWith(prefix)).collect(Collectors.toList());
    }

    SpanData one(String name) {
        List<SpanData> found = finished().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
        if (found.size() != 1) {
            throw new AssertionError("expected one span named '" + name + "', found " + found.size() + " in "
                    + finished().stream().map(SpanData::getName).collect(Collectors.toList()));
        }
        return found.get(0);
    }

    static List<EventData> events(SpanData span, String name) {
        return span.getEvents().stream().filter(e -> e.getName().equals(name)).collect(Collectors.toList());
    }

    static List<Attributes> eventAttributes(SpanData span, String name) {
        return events(span, name).stream().map(EventData::getAttributes).collect(Collectors.toList());
    }

    static <T> T attr(SpanData span, AttributeKey<T> key) {
        return span.getAttributes().get(key);
    }

    MetricData metric(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in "
                        + all.stream().map(MetricData::getName).sorted().collect(Collectors.toList())));
    }

    @Override
    public void close() {
        sdk.close();
    }
}
