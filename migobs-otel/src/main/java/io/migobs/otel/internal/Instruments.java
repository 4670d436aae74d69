package io.migobs.otel.internal;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.migobs.GateState;
import io.migobs.ProgressSnapshot;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metric instruments, created once per telemetry (never under a run's lock: the SDK takes its collection lock to
 * register an instrument, and invokes the gauge callback, which takes a run's lock, while holding it). Names match
 * the core's Micrometer meters ({@code io.migobs.internal.RunMetrics}); attribute keys match its tags, so the same
 * dashboards and alert rules work. Not API.
 */
public final class Instruments implements AutoCloseable {
    public static final AttributeKey<String> MIGRATION = stringKey("migration");
    public static final AttributeKey<String> PHASE = stringKey("phase");
    public static final AttributeKey<String> OUTCOME = stringKey("outcome");
    public static final AttributeKey<String> GATE = stringKey("gate");
    public static final AttributeKey<String> WINDOW = stringKey("window");
    public static final AttributeKey<String> BASIS = stringKey("basis");
    public static final AttributeKey<String> KIND = stringKey("kind");
    public static final AttributeKey<String> LEVEL = stringKey("level");
    public static final AttributeKey<String> UNIT = stringKey("unit");
    public static final AttributeKey<String> INVARIANT = stringKey("invariant");

    /**
     * The counter migobs-jdbc keeps in the run's Micrometer registry ({@code io.migobs.jdbc.internal.BackfillDriver}):
     * mirrored here, read from {@link io.migobs.MigrationRun#meterRegistry()}, so that a user without Micrometer sees
     * retries too.
     */
    public static final String JDBC_RETRIES = "migobs.jdbc.retries";

    /** Batch duration buckets, in seconds: 1 ms to 60 s, as the Micrometer timer's expected range. */
    static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
            1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

    final LongCounter rows;
    final LongCounter batches;
    final DoubleHistogram batchDuration;
    final LongCounter invariantChecks;
    final LongCounter invariantRows;
    private final ObservableDoubleMeasurement batchSize;
    private final ObservableDoubleMeasurement rateLimit;
    private final ObservableDoubleMeasurement throughput;
    private final ObservableDoubleMeasurement progress;
    private final ObservableDoubleMeasurement eta;
    private final ObservableDoubleMeasurement lag;
    private final ObservableDoubleMeasurement backlog;
    private final ObservableDoubleMeasurement gateState;
    private final ObservableDoubleMeasurement gateThreshold;
    private final ObservableDoubleMeasurement gateValue;
    private final ObservableDoubleMeasurement runStart;
    private final ObservableDoubleMeasurement runState;
    private final ObservableDoubleMeasurement phaseActive;
    private final ObservableDoubleMeasurement throttled;
    private final ObservableDoubleMeasurement paused;
    private final ObservableLongMeasurement retries;
    private final BatchCallback callback;
    private final Map<String, RunMeters> runs = new ConcurrentHashMap<>();

    /**
     * Creates every instrument and registers the gauge callback.
     *
     * @param meter the telemetry's meter (scope {@code io.migobs})
     */
    public Instruments(Meter meter) {
        rows = meter.counterBuilder("migobs.rows").setUnit("{row}").setDescription("Rows processed by the migration")
                .build();
        batches = meter.counterBuilder("migobs.batches").setUnit("{batch}")
                .setDescription("Batches finished, by outcome").build();
        batchDuration = meter.histogramBuilder("migobs.batch.duration").setUnit("s")
                .setDescription("Duration of one batch, from hand-out to finish")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        invariantChecks = meter.counterBuilder("migobs.invariant.checks").setUnit("{check}")
                .setDescription("Invariant checks run, by outcome").build();
        invariantRows = meter.counterBuilder("migobs.invariant.rows").setUnit("{row}")
                .setDescription("Rows examined by invariant checks").build();
        batchSize = gauge(meter, "migobs.batch.size", "{row}", "Batch size the controller hands out next");
        rateLimit = gauge(meter, "migobs.rate.limit", "{row}/s", "Current cap on rows per second (0 = none)");
        throughput = gauge(meter, "migobs.throughput", "{row}/s",
                "Rows per second over the last ~10 s (window=recent) or since start (window=effective)");
        progress = gauge(meter, "migobs.progress", "1", "Fraction of the migration done, 0..1");
        eta = gauge(meter, "migobs.eta", "s",
                "Seconds to completion at the effective rate (basis=effective) or the active rate (basis=active)");
        lag = gauge(meter, "migobs.lag", "s", "Replica lag");
        backlog = gauge(meter, "migobs.backlog", "{key}", "How far the cursor trails the source's head");
        gateState = gauge(meter, "migobs.gate.state", "", "Gate state: 0 green, 1 yellow, 2 red, 3 unknown");
        gateThreshold = gauge(meter, "migobs.gate.threshold", "", "Effective gate threshold, in the unit attribute");
        gateValue = gauge(meter, "migobs.gate.value", "", "Last value read by the gate, in the unit attribute");
        runStart = gauge(meter, "migobs.run.start.time", "s",
                "When the run started (after pre-flight), in seconds since the epoch");
        runState = gauge(meter, "migobs.run.state", "", "Run state: 0 preflight, 1 running, 2 throttled, 3 paused,"
                + " 4 awaiting approval, 5 stabilizing, 6 completed, 7 aborted, 8 stopped");
        phaseActive = gauge(meter, "migobs.phase.active", "",
                "1 for the phase the migration is in, 0 for the others");
        throttled = meter.counterBuilder("migobs.throttled").ofDoubles().setUnit("s")
                .setDescription("Time spent throttled").buildObserver();
        paused = meter.counterBuilder("migobs.paused").ofDoubles().setUnit("s")
                .setDescription("Time spent paused, awaiting approval or stabilizing").buildObserver();
        retries = meter.counterBuilder(JDBC_RETRIES).setUnit("{retry}")
                .setDescription("Batch attempts retried after a transient failure, by kind (migobs-jdbc)")
                .buildObserver();
        callback = meter.batchCallback(this::observe, batchSize, rateLimit, throughput, progress, eta, lag, backlog,
                gateState, gateThreshold, gateValue, runStart, runState, phaseActive, throttled, paused, retries);
    }

    private static ObservableDoubleMeasurement gauge(Meter meter, String name, String unit, String description) {
        return meter.gaugeBuilder(name).setUnit(unit).setDescription(description).buildObserver();
    }

    /**
     * Starts observing a run: replaces an earlier run of the same migration (whose final values were still
     * reported).
     */
    RunMeters observe(String migration, List<String> phases) {
        RunMeters m = new RunMeters(this, migration, phases);
        runs.put(migration, m);
        return m;
    }

    private void observe() {
        for (RunMeters m : runs.values()) {
            ProgressSnapshot s = m.snapshot();
            if (s == null) {
                continue;
            }
            Attributes base = m.base;
            batchSize.record(s.batchSize(), base);
            rateLimit.record(s.rateLimit(), base);
            record(throughput, s.recentRowsPerSecond(), m.recent);
            record(throughput, s.effectiveRowsPerSecond(), m.effective);
            record(progress, s.fraction(), base);
            record(eta, s.etaSeconds(), m.etaEffective);
            record(eta, s.etaActiveSeconds(), m.etaActive);
            record(lag, s.replicaLagSeconds(), m.replica);
            record(backlog, s.backlog(), base);
            runState.record(s.state().code(), base);
            record(runStart, m.startSeconds(), base);
            throttled.record(s.throttledSeconds(), base);
            paused.record(s.pausedSeconds(), base);
            for (String phase : m.phases) {
                phaseActive.record(phase.equals(s.phase()) ? 1 : 0, m.phaseAttributes(phase));
            }
            for (Map.Entry<Attributes, Long> r : m.retries().entrySet()) {
                retries.record(r.getValue(), r.getKey());
            }
            for (Map.Entry<String, GateState> g : s.gates().entrySet()) {
                gateState.record(g.getValue().code(), m.gateAttributes(g.getKey()));
            }
            for (Map.Entry<String, Double> v : s.gateValues().entrySet()) {
                RunMeters.Thresholds th = m.thresholds.get(v.getKey());
                record(gateValue, v.getValue(), m.valueAttributes(v.getKey(), th == null ? "" : th.unit()));
            }
            for (Map.Entry<String, RunMeters.Thresholds> t : m.thresholds.entrySet()) {
                RunMeters.Thresholds th = t.getValue();
                record(gateThreshold, th.yellow(), m.thresholdAttributes(t.getKey(), "yellow", th.unit()));
                record(gateThreshold, th.red(), m.thresholdAttributes(t.getKey(), "red", th.unit()));
            }
        }
    }

    /** NaN means "not known yet": nothing is reported rather than a NaN point. */
    private static void record(ObservableDoubleMeasurement m, double value, Attributes attributes) {
        if (!Double.isNaN(value) && !Double.isInfinite(value)) {
            m.record(value, attributes);
        }
    }

    /** Unregisters the gauge callback and forgets every run. */
    @Override
    public void close() {
        callback.close();
        runs.clear();
    }
}
