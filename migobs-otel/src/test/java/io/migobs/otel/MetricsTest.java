package io.migobs.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.InvariantResult;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.Phase;
import io.migobs.ProgressSnapshot;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private final OtelHarness otel = new OtelHarness();
    private final ManualTimeSource time = new ManualTimeSource();

    @AfterEach
    void close() {
        otel.close();
    }

    private static Attributes attrs(String... kv) {
        var b = Attributes.builder();
        for (int i = 0; i < kv.length; i += 2) {
            b.put(kv[i], kv[i + 1]);
        }
        return b.build();
    }

    private static <P extends PointData> P point(Collection<P> points, Attributes attributes) {
        return points.stream().filter(p -> p.getAttributes().equals(attributes)).findFirst()
                .orElseThrow(() -> new AssertionError("no point with " + attributes + " in " + points));
    }

    private static double gauge(MetricData m, Attributes a) {
        return point(m.getDoubleGaugeData().getPoints(), a).getValue();
    }

    private static MigrationPlan plan(ScriptedSignal lag) {
        return MigrationPlan.builder("metrics").totalRows(1000).batchSize(100, 100, 100)
                .phase(Phase.builder("canary").rows(200).build())
                .phase(Phase.builder("full").build())
                .gate(Gate.builder("lag", lag).yellowAbove(5).redAbove(30).build())
                .invariant("count", Cadence.everyRows(500), ctx -> InvariantResult.pass(5))
                .build();
    }

    @Test
    void aScriptedRunExportsTheCoreMetersWithOtelUnitsAndExactValues() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.5, 3).repeat(8.0, 4).then(0.5);
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);
        AtomicReference<Collection<MetricData>> midRun = new AtomicReference<>();
        AtomicReference<ProgressSnapshot> midSnapshot = new AtomicReference<>();
        RunReport report;
        try (MigrationRun run = MigrationRun.builder(plan(lag)).timeSource(time).listener(telemetry.listener())
                .start()) {
            report = OtelHarness.drain(run, time, Duration.ofSeconds(1), b -> {
                if (b.sequence() == 2) {
                    throw new SQLException("deadlock detected", "40P01");
                }
                if (b.sequence() == 6) {
                    midRun.set(otel.metrics.collectAllMetrics());
                    midSnapshot.set(run.progress());
                }
            });
        }
        assertThat(report.state()).isEqualTo(RunState.COMPLETED);
        assertThat(report.throttled()).as("the script throttles the run for a while").isPositive();

        // gauges read the live run when the reader collects
        MetricData midProgress = otel.metric(midRun.get(), "migobs.progress");
        assertThat(gauge(midProgress, attrs("migration", "metrics"))).isEqualTo(midSnapshot.get().fraction())
                .isBetween(0.2, 0.9);

        Collection<MetricData> all = otel.metrics.collectAllMetrics();
        assertThat(all).allSatisfy(m -> assertThat(m.getInstrumentationScopeInfo().getName()).isEqualTo("io.migobs"));

        MetricData rows = otel.metric(all, "migobs.rows");
        assertThat(rows.getUnit()).isEqualTo("{row}");
        assertThat(rows.getLongSumData().isMonotonic()).isTrue();
        assertThat(point(rows.getLongSumData().getPoints(), attrs("migration", "metrics", "phase", "canary"))
                .getValue()).isEqualTo(200);
        assertThat(point(rows.getLongSumData().getPoints(), attrs("migration", "metrics", "phase", "full"))
                .getValue()).isEqualTo(800);

        MetricData batches = otel.metric(all, "migobs.batches");
        assertThat(batches.getUnit()).isEqualTo("{batch}");
        Collection<LongPointData> bp = batches.getLongSumData().getPoints();
        assertThat(point(bp, attrs("migration", "metrics", "phase", "canary", "outcome", "success")).getValue())
                .isEqualTo(2);
        assertThat(point(bp, attrs("migration", "metrics", "phase", "full", "outcome", "success")).getValue())
                .isEqualTo(8);
        assertThat(point(bp, attrs("migration", "metrics", "phase", "canary", "outcome", "failure",
                "error.type", "java.sql.SQLException")).getValue()).isEqualTo(1);

        MetricData duration = otel.metric(all, "migobs.batch.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        long count = 0;
        double sum = 0;
        for (HistogramPointData p : duration.getHistogramData().getPoints()) {
            count += p.getCount();
            sum += p.getSum();
            assertThat(p.getBoundaries()).startsWith(0.001, 0.0025).endsWith(30.0, 60.0);
        }
        assertThat(count).isEqualTo(11);
        assertThat(sum).isCloseTo(11 * 1.0, within(1e-9));

        Attributes base = attrs("migration", "metrics");
        MetricData progress = otel.metric(all, "migobs.progress");
        assertThat(progress.getUnit()).isEqualTo("1");
        assertThat(gauge(progress, base)).isEqualTo(1.0);
        MetricData eta = otel.metric(all, "migobs.eta");
        assertThat(eta.getUnit()).isEqualTo("s");
        assertThat(gauge(eta, attrs("migration", "metrics", "basis", "effective"))).isZero();
        assertThat(gauge(otel.metric(all, "migobs.run.state"), base)).isEqualTo(RunState.COMPLETED.code());
        assertThat(gauge(otel.metric(all, "migobs.run.start.time"), base)).isEqualTo(report.startedAtMillis() / 1000.0)
                .isPositive();
        MetricData batchSize = otel.metric(all, "migobs.batch.size");
        assertThat(batchSize.getUnit()).isEqualTo("{row}");
        assertThat(gauge(batchSize, base)).isEqualTo(100);
        MetricData throughput = otel.metric(all, "migobs.throughput");
        assertThat(throughput.getUnit()).isEqualTo("{row}/s");
        assertThat(gauge(throughput, attrs("migration", "metrics", "window", "effective")))
                .isCloseTo(report.effectiveRowsPerSecond(), within(1e-6));

        MetricData throttled = otel.metric(all, "migobs.throttled");
        assertThat(throttled.getUnit()).isEqualTo("s");
        assertThat(throttled.getDoubleSumData().isMonotonic()).isTrue();
        DoublePointData t = point(throttled.getDoubleSumData().getPoints(), base);
        assertThat(t.getValue()).isCloseTo(report.throttled().toNanos() / 1e9, within(1e-6));
        assertThat(point(otel.metric(all, "migobs.paused").getDoubleSumData().getPoints(), base).getValue())
                .isZero();

        MetricData gateState = otel.metric(all, "migobs.gate.state");
        assertThat(gauge(gateState, attrs("migration", "metrics", "gate", "lag"))).isZero();
        MetricData gateValue = otel.metric(all, "migobs.gate.value");
        assertThat(gauge(gateValue, attrs("migration", "metrics", "gate", "lag", "unit", "seconds")))
                .as("the script ends on 0.5 s").isEqualTo(0.5);
        MetricData threshold = otel.metric(all, "migobs.gate.threshold");
        assertThat(gauge(threshold, attrs("migration", "metrics", "gate", "lag", "level", "yellow",
                "unit", "seconds"))).isEqualTo(5.0);
        assertThat(gauge(threshold, attrs("migration", "metrics", "gate", "lag", "level", "red",
                "unit", "seconds"))).isEqualTo(30.0);

        MetricData active = otel.metric(all, "migobs.phase.active");
        assertThat(gauge(active, attrs("migration", "metrics", "phase", "full"))).isEqualTo(1.0);
        assertThat(gauge(active, attrs("migration", "metrics", "phase", "canary"))).isZero();

        MetricData checks = otel.metric(all, "migobs.invariant.checks");
        assertThat(checks.getUnit()).isEqualTo("{check}");
        assertThat(point(checks.getLongSumData().getPoints(), attrs("migration", "metrics", "invariant", "count",
                "outcome", "pass")).getValue()).isEqualTo(report.invariants().get(0).checks()).isGreaterThan(2);
        assertThat(point(otel.metric(all, "migobs.invariant.rows").getLongSumData().getPoints(),
                attrs("migration", "metrics", "invariant", "count")).getValue())
                .isEqualTo(report.invariants().get(0).rowsSampled());

        // lag and backlog have no reading (no replica-lag signal, no source head): nothing is reported, not NaN
        assertThat(all).noneMatch(m -> m.getName().equals("migobs.lag") || m.getName().equals("migobs.backlog"));
    }

    @Test
    void theReplicaLagGaugeReportsTheRunsLastReading() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(1.5);
        MigrationPlan plan = MigrationPlan.builder("lagging").totalRows(1000).batchSize(100, 100, 100)
                .replicaLag(lag).gate(Gate.builder("lag", lag).yellowAbove(5).redAbove(30).build()).build();
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener()).start()) {
            OtelHarness.drain(run, time, Duration.ofMillis(250));
        }
        MetricData lagMetric = otel.metric(otel.metrics.collectAllMetrics(), "migobs.lag");
        assertThat(lagMetric.getUnit()).isEqualTo("s");
        assertThat(gauge(lagMetric, attrs("migration", "lagging", "kind", "replica"))).isEqualTo(1.5);
    }

    @Test
    void closingTheTelemetryStopsItsGaugesAndANewRunOfTheSameMigrationReplacesTheOld() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(0.5);
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);
        try (MigrationRun run = MigrationRun.builder(plan(lag)).timeSource(time).listener(telemetry.listener())
                .start()) {
            OtelHarness.drain(run, time, Duration.ofMillis(250));
        }
        try (MigrationRun again = MigrationRun.builder(plan(lag)).timeSource(time).listener(telemetry.listener())
                .start()) {
            Map<String, Double> before = Map.of("progress", gauge(otel.metric(otel.metrics.collectAllMetrics(),
                    "migobs.progress"), attrs("migration", "metrics")));
            assertThat(before.get("progress")).as("the new run, not the finished one").isZero();
        }
        telemetry.close();
        assertThat(otel.metrics.collectAllMetrics()).noneMatch(m -> m.getName().equals("migobs.progress"));
    }

    @Test
    void adapterRetriesCountedInTheRunsRegistryAreMirroredByKindAndKeptAfterTheRun() {
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);
        MigrationPlan plan = MigrationPlan.builder("retrying").totalRows(300).batchSize(100, 100, 100).build();
        AtomicReference<Collection<MetricData>> midRun = new AtomicReference<>();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener()).start()) {
            OtelHarness.drain(run, time, Duration.ofMillis(100), b -> {
                // what migobs-jdbc does before each retry; another migration's counter in the same registry is not
                // this run's
                String kind = b.sequence() == 1 ? "deadlock" : "lock_timeout";
                io.micrometer.core.instrument.Counter.builder("migobs.jdbc.retries").tag("migration", "retrying")
                        .tag("kind", kind).register(run.meterRegistry()).increment();
                io.micrometer.core.instrument.Counter.builder("migobs.jdbc.retries").tag("migration", "other")
                        .tag("kind", kind).register(run.meterRegistry()).increment(5);
                if (b.sequence() == 1) {
                    midRun.set(otel.metrics.collectAllMetrics());
                }
            });
        }
        MetricData mid = otel.metric(midRun.get(), "migobs.jdbc.retries");
        assertThat(point(mid.getLongSumData().getPoints(), attrs("migration", "retrying", "kind", "deadlock"))
                .getValue()).isEqualTo(1);

        MetricData retries = otel.metric(otel.metrics.collectAllMetrics(), "migobs.jdbc.retries");
        assertThat(retries.getUnit()).isEqualTo("{retry}");
        assertThat(retries.getLongSumData().isMonotonic()).isTrue();
        assertThat(retries.getLongSumData().getPoints()).hasSize(2);
        assertThat(point(retries.getLongSumData().getPoints(), attrs("migration", "retrying", "kind", "deadlock"))
                .getValue()).isEqualTo(1);
        assertThat(point(retries.getLongSumData().getPoints(), attrs("migration", "retrying", "kind",
                "lock_timeout")).getValue()).as("batches 2 and 3, read after the run ended").isEqualTo(2);
    }

    @Test
    void aRunWithoutRetriesReportsNoRetryPoint() {
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel.sdk);
        MigrationPlan plan = MigrationPlan.builder("calm").totalRows(200).batchSize(100, 100, 100).build();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(time).listener(telemetry.listener()).start()) {
            OtelHarness.drain(run, time, Duration.ofMillis(100));
        }
        assertThat(otel.metrics.collectAllMetrics()).noneMatch(m -> m.getName().equals("migobs.jdbc.retries"));
    }
}
