package io.migobs.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.testing.ManualTimeSource;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.MDC;

class MigrationTelemetryTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void createRejectsANullOpenTelemetry() {
        assertThatThrownBy(() -> MigrationTelemetry.create(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("openTelemetry cannot be null");
    }

    @Test
    void builderRejectsBlankOrNullDatabaseNamesNamingTheField() {
        MigrationTelemetryBuilder b = MigrationTelemetry.builder(OpenTelemetry.noop());
        assertThatThrownBy(() -> b.dbSystemName(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dbSystemName cannot be blank, was ' '");
        assertThatThrownBy(() -> b.dbCollectionName("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dbCollectionName cannot be blank, was ''");
        assertThatThrownBy(() -> b.dbSystemName(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dbSystemName cannot be null");
        assertThatThrownBy(() -> b.batchSpans(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("batchSpans cannot be null");
    }

    @Test
    void batchSpanPoliciesRejectImpossibleRatesNamingTheValue() {
        assertThatThrownBy(() -> BatchSpans.sampled(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch span sampling 1 in n must have n >= 1, was 0");
        assertThatThrownBy(() -> BatchSpans.firstThenEvery(-1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch spans first must be >= 0, was -1");
        assertThatThrownBy(() -> BatchSpans.firstThenEvery(10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch spans every must be >= 1, was 0");
    }

    @ParameterizedTest(name = "{0}: batch {1} traced={2}")
    @CsvSource({
        "defaults, 1, true", "defaults, 10, true", "defaults, 11, false", "defaults, 99, false",
        "defaults, 100, true", "defaults, 1000000, true", "defaults, 999999, false",
        "all, 7, true", "failedOnly, 1, false", "sampled3, 1, true", "sampled3, 2, false", "sampled3, 3, true",
        "sampled3, 6, true", "sampled3, 7, false"})
    void batchSpanPoliciesChooseTheDocumentedBatches(String policy, long batch, boolean traced) {
        BatchSpans p = switch (policy) {
            case "defaults" -> BatchSpans.defaults();
            case "all" -> BatchSpans.all();
            case "failedOnly" -> BatchSpans.failedOnly();
            default -> BatchSpans.sampled(3);
        };
        assertThat(p.isTraced(batch)).isEqualTo(traced);
    }

    @Test
    void theDefaultKeepsAMillionBatchPhaseAtAboutTenThousandSpans() {
        long traced = 0;
        for (long n = 1; n <= 1_000_000; n++) {
            if (BatchSpans.defaults().isTraced(n)) {
                traced++;
            }
        }
        assertThat(traced).isEqualTo(10_010);
    }

    @Test
    void theInstrumentationVersionIsTheBuildsVersion() {
        assertThat(MigrationTelemetry.instrumentationVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(MigrationTelemetry.INSTRUMENTATION_NAME).isEqualTo("io.migobs");
    }

    @Test
    void withANoopOpenTelemetryARunCompletesAndNothingIsMadeCurrentOrPutInTheMdc() {
        MigrationTelemetry telemetry = MigrationTelemetry.create(OpenTelemetry.noop());
        List<String> seen = new ArrayList<>();
        RunReport report;
        try (MigrationRun run = MigrationRun.builder(MigrationPlan.builder("noop").totalRows(100).batchSize(10, 10, 10)
                .build()).timeSource(time).listener(telemetry.listener()).start()) {
            report = OtelHarness.drain(run, time, Duration.ofMillis(10), b -> {
                seen.add(MDC.get("trace_id"));
                assertThat(Span.current().getSpanContext().isValid()).isFalse();
            });
        }
        assertThat(report.state()).isEqualTo(RunState.COMPLETED);
        assertThat(seen).hasSize(10).containsOnlyNulls();
    }

    @Test
    void logCorrelationCanBeTurnedOff() {
        try (OtelHarness otel = new OtelHarness()) {
            MigrationTelemetry telemetry = MigrationTelemetry.builder(otel.sdk).logCorrelation(false)
                    .batchSpans(BatchSpans.all()).build();
            List<String> seen = new ArrayList<>();
            List<Boolean> current = new ArrayList<>();
            try (MigrationRun run = MigrationRun.builder(MigrationPlan.builder("quiet").totalRows(30)
                    .batchSize(10, 10, 10).build()).timeSource(time).listener(telemetry.listener()).start()) {
                OtelHarness.drain(run, time, Duration.ofMillis(10), b -> {
                    seen.add(MDC.get("trace_id"));
                    current.add(Span.current().getSpanContext().isValid());
                });
            }
            assertThat(seen).hasSize(3).containsOnlyNulls();
            assertThat(current).as("the batch span is still current").containsOnly(true);
        }
    }
}
