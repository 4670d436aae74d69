package io.migobs.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The run's Micrometer meters. Per-batch meters are resolved once per phase at start, so recording a batch does
 * no lookup and no allocation. Not API; the names are documented in the README and used by the generated
 * dashboards and alert rules.
 */
public final class RunMetrics {
    public static final String ROWS = "migobs.rows";
    public static final String BATCHES = "migobs.batches";
    public static final String BATCH_DURATION = "migobs.batch.duration";
    public static final String BATCH_SIZE = "migobs.batch.size";
    public static final String RATE_LIMIT = "migobs.rate.limit";
    public static final String THROUGHPUT = "migobs.throughput";
    public static final String PROGRESS = "migobs.progress";
    public static final String ETA = "migobs.eta";
    public static final String LAG = "migobs.lag";
    public static final String BACKLOG = "migobs.backlog";
    public static final String GATE_STATE = "migobs.gate.state";
    public static final String GATE_VALUE = "migobs.gate.value";
    public static final String GATE_THRESHOLD = "migobs.gate.threshold";
    public static final String THROTTLED = "migobs.throttled";
    public static final String PAUSED = "migobs.paused";
    public static final String INVARIANT_CHECKS = "migobs.invariant.checks";
    public static final String INVARIANT_ROWS = "migobs.invariant.rows";
    public static final String RUN_STATE = "migobs.run.state";
    public static final String RUN_START_TIME = "migobs.run.start.time";
    public static final String PHASE_ACTIVE = "migobs.phase.active";

    private final MeterRegistry registry;
    private final Tags base;
    private final Counter[] rows;
    private final Counter[] batchesOk;
    private final Counter[] batchesFailed;
    private final Timer[] durations;

    /** What the gauges read from the run. */
    public interface Source {
        double batchSize();

        double rateLimit();

        double recentRate();

        double effectiveRate();

        double fraction();

        double eta();

        double etaActive();

        double replicaLag();

        double backlog();

        double throttledSeconds();

        double pausedSeconds();

        double runState();

        double startTimeSeconds();

        double phaseIndex();
    }

    public RunMetrics(MeterRegistry registry, String migration, List<String> phases, Source source) {
        this.registry = registry;
        this.base = Tags.of("migration", migration);
        // A new run of the same migration on the same registry (a restart in the same JVM): the gauges of the
        // previous run still read it, so they are replaced; counters and timers go on counting.
        for (Meter m : registry.getMeters()) {
            if (m.getId().getName().startsWith("migobs.") && migration.equals(m.getId().getTag("migration"))
                    && (m instanceof Gauge || m instanceof FunctionCounter)) {
                registry.remove(m);
            }
        }
        int n = phases.size();
        rows = new Counter[n];
        batchesOk = new Counter[n];
        batchesFailed = new Counter[n];
        durations = new Timer[n];
        for (int i = 0; i < n; i++) {
            Tags t = base.and("phase", phases.get(i));
            rows[i] = Counter.builder(ROWS).description("Rows processed by the migration").baseUnit("rows")
                    .tags(t).register(registry);
            batchesOk[i] = Counter.builder(BATCHES).description("Batches finished, by outcome").baseUnit("batches")
                    .tags(t).tag("outcome", "success").register(registry);
            batchesFailed[i] = Counter.builder(BATCHES).description("Batches finished, by outcome")
                    .baseUnit("batches").tags(t).tag("outcome", "failure").register(registry);
            durations[i] = Timer.builder(BATCH_DURATION).description("Duration of one batch, from hand-out to finish")
                    .tags(t).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
            final int index = i;
            Gauge.builder(PHASE_ACTIVE, source, s -> s.phaseIndex() == index ? 1 : 0)
                    .description("1 for the phase the migration is in, 0 for the others").tags(t).strongReference(true)
                    .register(registry);
        }
        gauge(BATCH_SIZE, "Batch size the controller hands out next", "rows", source, Source::batchSize, base);
        gauge(RATE_LIMIT, "Current cap on rows per second (0 = none)", "rows.per.second", source,
                Source::rateLimit, base);
        gauge(THROUGHPUT, "Rows per second over the last ~10 s (window=recent) or since start (window=effective)",
                "rows.per.second", source, Source::recentRate, base.and("window", "recent"));
        gauge(THROUGHPUT, "Rows per second over the last ~10 s (window=recent) or since start (window=effective)",
                "rows.per.second", source, Source::effectiveRate, base.and("window", "effective"));
        gauge(PROGRESS, "Fraction of the migration done, 0..1", "ratio", source, Source::fraction, base);
        gauge(ETA, "Seconds to completion at the effective rate (basis=effective) or the active rate (basis=active)",
                "seconds", source, Source::eta, base.and("basis", "effective"));
        gauge(ETA, "Seconds to completion at the effective rate (basis=effective) or the active rate (basis=active)",
                "seconds", source, Source::etaActive, base.and("basis", "active"));
        gauge(LAG, "Replica lag", "seconds", source, Source::replicaLag, base.and("kind", "replica"));
        gauge(BACKLOG, "How far the cursor trails the source's head", "keys", source, Source::backlog, base);
        gauge(RUN_STATE, "Run state: 0 preflight, 1 running, 2 throttled, 3 paused, 4 awaiting approval, "
                + "5 stabilizing, 6 completed, 7 aborted, 8 stopped", null, source, Source::runState, base);
        gauge(RUN_START_TIME, "When the run started (after pre-flight), in seconds since the epoch; 0 before",
                "seconds", source, Source::startTimeSeconds, base);
        FunctionCounter.builder(THROTTLED, source, Source::throttledSeconds)
                .description("Time spent throttled").baseUnit("seconds").tags(base).register(registry);
        FunctionCounter.builder(PAUSED, source, Source::pausedSeconds)
                .description("Time spent paused, awaiting approval or stabilizing").baseUnit("seconds").tags(base)
                .register(registry);
    }

    private <T> void gauge(String name, String description, String unit, T obj, ToDoubleFunction<T> f, Tags tags) {
        Gauge.Builder<T> b = Gauge.builder(name, obj, f).description(description).tags(tags).strongReference(true);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    /** Gauges of one gate: state, last value, effective thresholds. */
    public <T> void gate(String gate, String unit, T tracker, ToDoubleFunction<T> state, ToDoubleFunction<T> value,
            ToDoubleFunction<T> yellow, ToDoubleFunction<T> red) {
        Tags t = base.and("gate", gate);
        Gauge.builder(GATE_STATE, tracker, state).description("Gate state: 0 green, 1 yellow, 2 red, 3 unknown")
                .tags(t).strongReference(true).register(registry);
        Gauge.builder(GATE_VALUE, tracker, value).description("Last value read by the gate, in the unit tag")
                .tags(t).tag("unit", unit).strongReference(true).register(registry);
        Gauge.builder(GATE_THRESHOLD, tracker, yellow).description("Effective gate threshold, in the unit tag")
                .tags(t).tag("level", "yellow").tag("unit", unit).strongReference(true).register(registry);
        Gauge.builder(GATE_THRESHOLD, tracker, red).description("Effective gate threshold, in the unit tag")
                .tags(t).tag("level", "red").tag("unit", unit).strongReference(true).register(registry);
    }

    public void batch(int phase, long rowCount, long nanos) {
        rows[phase].increment(rowCount);
        batchesOk[phase].increment();
        durations[phase].record(nanos, TimeUnit.NANOSECONDS);
    }

    public void failedBatch(int phase, long nanos) {
        batchesFailed[phase].increment();
        durations[phase].record(nanos, TimeUnit.NANOSECONDS);
    }

    public void invariant(String name, boolean passed, long rowsSampled) {
        Counter.builder(INVARIANT_CHECKS).description("Invariant checks run, by outcome").baseUnit("checks")
                .tags(base).tag("invariant", name).tag("outcome", passed ? "pass" : "fail").register(registry)
                .increment();
        Counter.builder(INVARIANT_ROWS).description("Rows examined by invariant checks").baseUnit("rows")
                .tags(base).tag("invariant", name).register(registry).increment(rowsSampled);
    }

    /** Registers the invariant counters at zero so dashboards and alerts see them before the first check. */
    public void declareInvariant(String name) {
        for (String outcome : new String[] {"pass", "fail"}) {
            Counter.builder(INVARIANT_CHECKS).description("Invariant checks run, by outcome").baseUnit("checks")
                    .tags(base).tag("invariant", name).tag("outcome", outcome).register(registry);
        }
        Counter.builder(INVARIANT_ROWS).description("Rows examined by invariant checks").baseUnit("rows")
                .tags(base).tag("invariant", name).register(registry);
    }
}
