package io.migobs.examples.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunState;
import io.migobs.otel.MigrationTelemetry;
import io.migobs.testing.ManualTimeSource;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class OtelSetupTest {

    @Test
    void withoutAnEndpointSpansGoToTheLoggingExporter() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger(LoggingSpanExporter.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(String.valueOf(r.getMessage()) + " " + List.of(r.getParameters() == null
                        ? new Object[0] : r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        ManualTimeSource time = new ManualTimeSource();
        try (OpenTelemetrySdk sdk = OtelSetup.create(Map.of(OtelSetup.ENDPOINT, " "))) {
            assertThat(OtelSetup.describe(Map.of())).isEqualTo("logging");
            MigrationTelemetry telemetry = MigrationTelemetry.create(sdk);
            MigrationPlan plan = MigrationPlan.builder("otel-demo").totalRows(20).batchSize(10, 10, 10).build();
            try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener())
                    .start()) {
                while (run.hasNext()) {
                    var b = run.nextBatch();
                    time.advance(Duration.ofMillis(5));
                    b.complete(b.size());
                }
                assertThat(run.state()).isEqualTo(RunState.COMPLETED);
            }
        } finally {
            jul.removeHandler(capture);
        }
        assertThat(String.join("\n", logged)).contains("migrate otel-demo").contains("phase full")
                .contains("batch full");
    }

    @Test
    void withAnEndpointSpansAndMetricsGoOverOtlpHttpToItsSignalPaths() {
        Map<String, String> env = Map.of(OtelSetup.ENDPOINT, "http://127.0.0.1:4318/",
                OtelSetup.SERVICE_NAME, "backfill-job");
        assertThat(OtelSetup.describe(env)).isEqualTo("otlp http://127.0.0.1:4318");
        // building connects to nothing; no span is created, so closing exports nothing
        try (OpenTelemetrySdk sdk = OtelSetup.create(env)) {
            String config = sdk.toString();
            assertThat(config).contains("OtlpHttpSpanExporter").contains("http://127.0.0.1:4318/v1/traces")
                    .contains("OtlpHttpMetricExporter").contains("http://127.0.0.1:4318/v1/metrics")
                    .contains("backfill-job").doesNotContain("LoggingSpanExporter");
        }
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> OtelSetup.create(Map.of(OtelSetup.ENDPOINT, "localhost:4318")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OTEL_EXPORTER_OTLP_ENDPOINT 'localhost:4318' must be an http(s) URL with a host, such as"
                        + " http://localhost:4318");
    }

    @Test
    void aMetricIntervalThatIsNotPositiveIsRejected() {
        assertThatThrownBy(() -> OtelSetup.create(Map.of(OtelSetup.METRIC_INTERVAL, "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OTEL_METRIC_EXPORT_INTERVAL must be positive, was 0");
        assertThatThrownBy(() -> OtelSetup.create(Map.of(OtelSetup.METRIC_INTERVAL, "10s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OTEL_METRIC_EXPORT_INTERVAL '10s' is not a number of milliseconds");
    }
}
