package io.migobs.otel;

import io.migobs.MigrationListener;
import io.migobs.otel.internal.Instruments;
import io.migobs.otel.internal.RunListener;
import io.migobs.otel.internal.Settings;
import io.migobs.otel.internal.Version;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.util.Objects;

/**
 * OpenTelemetry traces and metrics for migobs runs, in the style of OpenTelemetry's library instrumentation.
 * Create one per application (it owns the metric instruments), then register {@link #listener()} on each run:
 *
 * <pre>{@code
 * MigrationTelemetry telemetry = MigrationTelemetry.create(openTelemetry);
 * try (MigrationRun run = MigrationRun.builder(plan).listener(telemetry.listener()).start()) {
 *     run.execute(batch -> copy(batch));
 * }
 * }</pre>
 *
 * <p><b>Traces.</b> A span for the run (parented to the context current on the thread that starts the run, and
 * covering the pre-flight baselines), a child span per phase, and a child of the phase span per traced batch (see
 * {@link BatchSpans}). Each batch's work runs with its span current, so spans of other instrumentation (JDBC)
 * nest under it, and with {@code trace_id}/{@code span_id}/{@code trace_flags} in the SLF4J MDC. Every decision is a
 * span event with the values and thresholds behind it: {@code migobs.gate.changed}, {@code migobs.decision.changed}
 * (throttle, pause, abort, stabilize, proceed), {@code migobs.state.changed} (including pause and resume by an
 * operator), {@code migobs.phase.promoted}, {@code migobs.invariant.failed}/{@code passed},
 * {@code migobs.escalation}, {@code migobs.baseline}. An aborted run and a failed batch get status ERROR, a recorded
 * exception and {@code error.type}. Attributes use the stable {@code db.system.name}, {@code db.collection.name},
 * {@code error.type} and otherwise {@code migobs.*} keys.
 *
 * <p><b>Metrics.</b> The same meters as the core's Micrometer binding, with the same names and attribute keys
 * ({@code migration}, {@code phase}, {@code outcome}, {@code gate}, …) so dashboards and alerts carry over, and
 * units per OpenTelemetry conventions: {@code migobs.rows} ({@code {row}}), {@code migobs.batches}
 * ({@code {batch}}), {@code migobs.batch.duration} (histogram, {@code s}), {@code migobs.batch.size},
 * {@code migobs.rate.limit}, {@code migobs.throughput}, {@code migobs.progress} ({@code 1}), {@code migobs.eta}
 * ({@code s}), {@code migobs.lag} ({@code s}), {@code migobs.backlog}, {@code migobs.gate.state},
 * {@code migobs.gate.threshold}, {@code migobs.throttled} and {@code migobs.paused} ({@code s}, cumulative),
 * {@code migobs.run.state}, {@code migobs.phase.active}, {@code migobs.invariant.checks},
 * {@code migobs.invariant.rows}. Gauges read {@code MigrationRun.progress()} when the metric reader
 * collects; a finished run keeps reporting its final values until a run with the same migration name replaces it
 * or {@link #close()} is called.
 *
 * <p>Never touches {@code GlobalOpenTelemetry}. Instrumentation scope {@value #INSTRUMENTATION_NAME}, version
 * {@link #instrumentationVersion()}.
 *
 * <p>Immutable configuration; thread-safe.
 */
public final class MigrationTelemetry implements AutoCloseable {

    /** The instrumentation scope name of every span and metric. */
    public static final String INSTRUMENTATION_NAME = "io.migobs";

    private final Settings settings;
    private final Tracer tracer;
    private final Instruments instruments;

    MigrationTelemetry(OpenTelemetry openTelemetry, Settings settings) {
        this.settings = settings;
        String version = Version.get();
        this.tracer = openTelemetry.getTracerProvider().tracerBuilder(INSTRUMENTATION_NAME)
                .setInstrumentationVersion(version).build();
        this.instruments = new Instruments(openTelemetry.getMeterProvider().meterBuilder(INSTRUMENTATION_NAME)
                .setInstrumentationVersion(version).build());
    }

    /**
     * Telemetry with the defaults: {@link BatchSpans#defaults()}, log correlation on, no database attributes.
     *
     * @param openTelemetry where spans and metrics go
     * @return the telemetry
     * @throws NullPointerException if openTelemetry is null
     */
    public static MigrationTelemetry create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * Configures telemetry.
     *
     * @param openTelemetry where spans and metrics go
     * @return a new builder
     * @throws NullPointerException if openTelemetry is null
     */
    public static MigrationTelemetryBuilder builder(OpenTelemetry openTelemetry) {
        return new MigrationTelemetryBuilder(Objects.requireNonNull(openTelemetry, "openTelemetry cannot be null"));
    }

    /**
     * A new listener for <b>one</b> run: register it with {@code MigrationRun.builder(plan).listener(...)} (or
     * {@code run.addListener(...)}, which misses the pre-flight). Call once per run; a listener attached to a second
     * run refuses it (the run logs the refusal) and keeps observing the first.
     *
     * @return the listener
     */
    public MigrationListener listener() {
        return new RunListener(tracer, instruments, settings);
    }

    /**
     * The instrumentation version reported with every span and metric: the migobs-otel version.
     *
     * @return the version, such as {@code 0.1.0}
     */
    public static String instrumentationVersion() {
        return Version.get();
    }

    /**
     * Stops the observable instruments (gauges and cumulative times) of every run seen so far. Spans and counters
     * of runs still going keep being recorded. Idempotent.
     */
    @Override
    public void close() {
        instruments.close();
    }

    @Override
    public String toString() {
        return "MigrationTelemetry[" + settings + "]";
    }
}
