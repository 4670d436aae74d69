package io.migobs.otel.internal;

import io.migobs.MigrationRun;
import io.migobs.ProgressSnapshot;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.api.common.Attributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run's metrics: counters recorded from listener events with attributes built once per phase (no allocation
 * per batch), and the source of the gauges (the attached run's {@link MigrationRun#progress()}, or the last snapshot
 * once the run finished). Not API.
 */
final class RunMeters {
    record Thresholds(String unit, double yellow, double red) {
    }

    private final Instruments instruments;
    final String migration;
    final List<String> phases;
    final Attributes base;
    final Attributes recent;
    final Attributes effective;
    final Attributes etaEffective;
    final Attributes etaActive;
    final Attributes replica;
    final Map<String, Thresholds> thresholds = new ConcurrentHashMap<>();
    private final Map<String, Attributes[]> byPhase = new HashMap<>();
    private volatile MigrationRun run;
    private volatile ProgressSnapshot last;
    private volatile double startSeconds = Double.NaN;
    /** Retry counts by attributes (migration, kind), as last read from the run's registry; kept after the run. */
    private final Map<Attributes, Long> retries = new ConcurrentHashMap<>();

    RunMeters(Instruments instruments, String migration, List<String> phases) {
        this.instruments = instruments;
        this.migration = migration;
        this.phases = List.copyOf(phases);
        this.base = Attributes.of(Instruments.MIGRATION, migration);
        this.recent = base.toBuilder().put(Instruments.WINDOW, "recent").build();
        this.effective = base.toBuilder().put(Instruments.WINDOW, "effective").build();
        this.etaEffective = base.toBuilder().put(Instruments.BASIS, "effective").build();
        this.etaActive = base.toBuilder().put(Instruments.BASIS, "active").build();
        this.replica = base.toBuilder().put(Instruments.KIND, "replica").build();
        for (String p : phases) {
            byPhase.put(p, phaseSet(p));
        }
    }

    private Attributes[] phaseSet(String phase) {
        Attributes p = base.toBuilder().put(Instruments.PHASE, phase).build();
        return new Attributes[] {p, p.toBuilder().put(Instruments.OUTCOME, "success").build(),
            p.toBuilder().put(Instruments.OUTCOME, "failure").build()};
    }

    private Attributes[] forPhase(String phase) {
        Attributes[] a = byPhase.get(phase);
        return a != null ? a : phaseSet(phase);
    }

    Attributes phaseAttributes(String phase) {
        return forPhase(phase)[0];
    }

    Attributes gateAttributes(String gate) {
        return base.toBuilder().put(Instruments.GATE, gate).build();
    }

    Attributes valueAttributes(String gate, String unit) {
        return base.toBuilder().put(Instruments.GATE, gate).put(Instruments.UNIT, unit).build();
    }

    Attributes thresholdAttributes(String gate, String level, String unit) {
        return base.toBuilder().put(Instruments.GATE, gate).put(Instruments.LEVEL, level).put(Instruments.UNIT, unit)
                .build();
    }

    void batchSucceeded(String phase, long rowCount, long nanos) {
        Attributes[] a = forPhase(phase);
        instruments.rows.add(rowCount, a[0]);
        instruments.batches.add(1, a[1]);
        instruments.batchDuration.record(nanos / 1e9, a[1]);
    }

    void batchFailed(String phase, Throwable error, long nanos) {
        Attributes a = forPhase(phase)[2].toBuilder().put(Keys.ERROR_TYPE, error.getClass().getName()).build();
        instruments.batches.add(1, a);
        instruments.batchDuration.record(nanos / 1e9, a);
    }

    void invariant(String name, boolean passed, long rowsSampled) {
        Attributes a = base.toBuilder().put(Instruments.INVARIANT, name).build();
        instruments.invariantChecks.add(1, a.toBuilder().put(Instruments.OUTCOME, passed ? "pass" : "fail").build());
        instruments.invariantRows.add(rowsSampled, a);
    }

    void thresholds(String gate, String unit, double yellow, double red) {
        thresholds.put(gate, new Thresholds(unit, yellow, red));
    }

    void attach(MigrationRun r) {
        this.run = r;
    }

    void progress(ProgressSnapshot s) {
        this.last = s;
    }

    /** The run ended: keep its final snapshot and let the run go. */
    void finish(ProgressSnapshot finalSnapshot) {
        if (finalSnapshot != null) {
            this.last = finalSnapshot;
        }
        startSeconds(); // keep the start time once the run is let go
        retries(); // and the final retry counts
        this.run = null;
    }

    /** When the run started, in seconds since the epoch (read once from the run's report), or NaN before. */
    double startSeconds() {
        double s = startSeconds;
        MigrationRun r = run;
        if (Double.isNaN(s) && r != null) {
            try {
                long millis = r.report().startedAtMillis();
                if (millis > 0) {
                    s = millis / 1000.0;
                    startSeconds = s;
                }
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }
        return s;
    }

    /**
     * The adapters' retry counters ({@value Instruments#JDBC_RETRIES}) for this migration in the attached run's
     * registry, by attributes; the last counts once the run is let go. Never decreases.
     */
    Map<Attributes, Long> retries() {
        MigrationRun r = run;
        if (r != null) {
            try {
                for (Counter c : r.meterRegistry().find(Instruments.JDBC_RETRIES).tag("migration", migration)
                        .counters()) {
                    String kind = c.getId().getTag("kind");
                    Attributes a = kind == null ? base : base.toBuilder().put(Instruments.KIND, kind).build();
                    retries.merge(a, (long) c.count(), Math::max);
                }
            } catch (RuntimeException e) {
                return retries; // a registry that fails to answer: report what was read before
            }
        }
        return retries;
    }

    ProgressSnapshot snapshot() {
        MigrationRun r = run;
        if (r != null) {
            try {
                return r.progress();
            } catch (RuntimeException e) {
                return last;
            }
        }
        return last;
    }
}
