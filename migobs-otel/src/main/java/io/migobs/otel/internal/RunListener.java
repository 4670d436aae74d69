package io.migobs.otel.internal;

import io.migobs.BatchEvent;
import io.migobs.Decision;
import io.migobs.DecisionChange;
import io.migobs.Gate;
import io.migobs.GateChange;
import io.migobs.GateState;
import io.migobs.InvariantOutcome;
import io.migobs.MigrationAbortedException;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.Phase;
import io.migobs.PhaseChange;
import io.migobs.ProgressSnapshot;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.StateChange;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The listener of one run: spans, span events, MDC and metrics. Not API.
 *
 * <p><b>Threading.</b> The run calls every method but {@link #onAttach} with its lock held, so the span state is
 * only touched by one thread at a time; {@link #onAttach} only publishes volatile fields. The batch scope lives in a
 * thread local of the thread that started the batch: it is closed when the batch ends on that thread, or — when
 * another thread finished the batch — when that thread starts its next batch (a scope must be closed on its own
 * thread).
 */
public final class RunListener implements MigrationListener {
    private static final String NO_PHASE = "";

    private final Tracer tracer;
    private final Instruments instruments;
    private final Settings settings;
    private final ThreadLocal<BatchScope> scopes = new ThreadLocal<>();
    private final Map<Long, Span> batchSpans = new ConcurrentHashMap<>();

    private volatile MigrationRun run;
    private volatile String migration;
    private volatile Context parent;
    private volatile Instant attachedAt;
    private volatile RunMeters meters;
    private volatile boolean preflight;

    private Span runSpan;
    private Context runContext;
    private Span preflightSpan;
    private Span phaseSpan;
    private Context phaseContext;
    private String phase = NO_PHASE;
    private long phaseBatches;
    private final List<GateChange> pendingGates = new ArrayList<>(2);
    private GateChange lastDecisionGate;
    private boolean finished;

    /**
     * A listener for one run.
     *
     * @param tracer the telemetry's tracer
     * @param instruments the telemetry's metric instruments
     * @param settings the telemetry's configuration
     */
    public RunListener(Tracer tracer, Instruments instruments, Settings settings) {
        this.tracer = tracer;
        this.instruments = instruments;
        this.settings = settings;
    }

    /** The batch context current on one thread. */
    private record BatchScope(long sequence, Scope scope, String[] mdc) {
    }

    // ------------------------------------------------------------------------------------------ run and phases

    @Override
    public void onAttach(MigrationRun r) {
        MigrationRun current = run;
        if (current != null && current != r) {
            throw new IllegalStateException("this migobs-otel listener already observes migration '"
                    + current.plan().name() + "'; call MigrationTelemetry.listener() once per run");
        }
        if (current != null) {
            return;
        }
        run = r;
        parent = Context.current();
        attachedAt = Instant.now();
        preflight = r.plan().needsBaseline() && r.state() == RunState.PREFLIGHT;
        RunMeters m = instruments.observe(r.plan().name(), phaseNames(r.plan()));
        r.plan().allGates().forEach(g -> m.thresholds(g.name(), g.signal().unit(),
                g.isRelative() ? Double.NaN : g.yellowThreshold(), g.isRelative() ? Double.NaN : g.redThreshold()));
        m.attach(r);
        meters = m;
        migration = r.plan().name(); // last: events are accepted from here on
    }

    private static List<String> phaseNames(MigrationPlan plan) {
        List<String> names = new ArrayList<>();
        for (Phase p : plan.phases()) {
            names.add(p.name());
        }
        return names;
    }

    /**
     * Whether an event belongs to the run this listener observes and the run's spans are still open (a listener
     * reused on another run ignores that run's events).
     */
    private boolean accept(String eventMigration) {
        return !finished && ours(eventMigration);
    }

    private boolean ours(String eventMigration) {
        String m = migration;
        return m != null && m.equals(eventMigration);
    }

    private void ensureRun(MigrationPlan plan) {
        if (runSpan != null) {
            return;
        }
        Context p = parent != null ? parent : Context.current();
        SpanBuilder b = tracer.spanBuilder("migrate " + plan.name()).setParent(p).setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(runAttributes(plan));
        Instant at = attachedAt;
        if (at != null) {
            b.setStartTimestamp(at);
        }
        runSpan = b.startSpan();
        runContext = p.with(runSpan);
        if (preflight) {
            preflightSpan = tracer.spanBuilder("preflight " + plan.name()).setParent(runContext)
                    .setSpanKind(SpanKind.INTERNAL).setStartTimestamp(at)
                    .setAttribute(Keys.MIGRATION, plan.name()).startSpan();
        }
    }

    private Attributes runAttributes(MigrationPlan plan) {
        AttributesBuilder a = Attributes.builder().put(Keys.MIGRATION, plan.name())
                .put(Keys.TYPE, plan.type().name()).put(Keys.BLAST_RADIUS, plan.blastRadius().name())
                .put(Keys.ROLLBACK, plan.rollback().name());
        if (plan.totalRows() > 0) {
            a.put(Keys.TOTAL_ROWS, plan.totalRows());
        }
        return db(a).build();
    }

    private AttributesBuilder db(AttributesBuilder a) {
        if (settings.dbSystemName() != null) {
            a.put(Keys.DB_SYSTEM_NAME, settings.dbSystemName());
        }
        if (settings.dbCollectionName() != null) {
            a.put(Keys.DB_COLLECTION_NAME, settings.dbCollectionName());
        }
        return a;
    }

    /** Makes sure the run span exists and the current phase span is the named phase's. */
    private void ensurePhase(String name) {
        MigrationRun r = run;
        if (runSpan == null) {
            if (r == null) {
                return; // no plan known: cannot name the run span
            }
            ensureRun(r.plan());
        }
        endPreflight();
        if (name.equals(phase) && phaseSpan != null) {
            return;
        }
        endPhase(null);
        startPhase(name);
    }

    private void startPhase(String name) {
        phase = name;
        phaseBatches = 0;
        phaseSpan = tracer.spanBuilder("phase " + name).setParent(runContext).setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(db(Attributes.builder().put(Keys.MIGRATION, migration).put(Keys.PHASE, name))
                        .build())
                .startSpan();
        phaseContext = runContext.with(phaseSpan);
    }

    private void endPhase(Long rowsAtEnd) {
        if (phaseSpan == null) {
            return;
        }
        if (rowsAtEnd != null) {
            phaseSpan.setAttribute(Keys.ROWS, rowsAtEnd);
        }
        phaseSpan.setAttribute(Keys.BATCHES, phaseBatches);
        phaseSpan.end();
        phaseSpan = null;
    }

    private void endPreflight() {
        if (preflightSpan != null) {
            preflightSpan.end();
            preflightSpan = null;
        }
    }

    @Override
    public void onStart(MigrationPlan plan, Map<String, Double> baselines) {
        if (!accept(plan.name())) {
            return;
        }
        ensureRun(plan);
        RunMeters m = meters;
        for (Gate g : plan.allGates()) {
            Double baseline = baselines.get(g.name());
            if (baseline == null) {
                continue;
            }
            double yellow = g.isRelative() ? g.yellowThreshold() * baseline : g.yellowThreshold();
            double red = g.isRelative() ? g.redThreshold() * baseline : g.redThreshold();
            m.thresholds(g.name(), g.signal().unit(), yellow, red);
            Span target = preflightSpan != null ? preflightSpan : runSpan;
            target.addEvent(Keys.EVENT_BASELINE, Attributes.builder().put(Keys.GATE, g.name())
                    .put(Keys.GATE_BASELINE, baseline).put(Keys.GATE_UNIT, g.signal().unit())
                    .put(Keys.GATE_YELLOW, yellow).put(Keys.GATE_RED, red).build());
        }
        MigrationRun r = run;
        ensurePhase(r != null ? r.currentPhase() : plan.phases().get(0).name());
    }

    @Override
    public void onPhaseChange(PhaseChange change) {
        if (!accept(change.migration())) {
            return;
        }
        ensurePhase(change.from());
        phaseSpan.addEvent(Keys.EVENT_PROMOTED, promotion(change));
        endPhase(change.rowsProcessed());
        runSpan.addEvent(Keys.EVENT_PROMOTED, promotion(change));
        startPhase(change.to());
    }

    private static Attributes promotion(PhaseChange c) {
        return Attributes.builder().put(Keys.PREVIOUS_PHASE, c.from()).put(Keys.PHASE, c.to())
                .put(Keys.ROWS, c.rowsProcessed()).put(Keys.REASON, c.reason()).build();
    }

    @Override
    public void onFinish(RunReport report) {
        if (!accept(report.migration())) {
            return;
        }
        ensurePhase(phase.isEmpty() ? currentPhaseOr(report) : phase);
        finished = true;
        if (runSpan == null) {
            return;
        }
        closeScopeOnThisThread(-1);
        for (Map.Entry<Long, Span> e : batchSpans.entrySet()) {
            Span s = e.getValue();
            s.setStatus(StatusCode.ERROR, "run ended while the batch was in flight");
            s.end();
        }
        batchSpans.clear();
        boolean aborted = report.state() == RunState.ABORTED;
        if (aborted && phaseSpan != null) {
            phaseSpan.setStatus(StatusCode.ERROR, String.valueOf(report.reason()));
        }
        endPhase(report.rowsProcessed());
        AttributesBuilder a = Attributes.builder().put(Keys.OUTCOME, report.state().name())
                .put(Keys.ROWS, report.rowsProcessed()).put(Keys.BATCHES, report.batches())
                .put(Keys.FAILED_BATCHES, report.failedBatches());
        if (report.reason() != null) {
            a.put(Keys.REASON, report.reason());
        }
        if (report.verdict() != null) {
            a.put(Keys.VERDICT, report.verdict().summary());
        }
        runSpan.setAllAttributes(a.build());
        if (aborted) {
            MigrationAbortedException error = new MigrationAbortedException(report.migration(), phase,
                    report.state(), report.reason());
            error.setStackTrace(new StackTraceElement[0]); // the listener's frames would mislead
            runSpan.recordException(error);
            runSpan.setAttribute(Keys.ERROR_TYPE, MigrationAbortedException.class.getName());
            runSpan.setStatus(StatusCode.ERROR, String.valueOf(report.reason()));
        }
        runSpan.end();
        MigrationRun r = run;
        RunMeters m = meters;
        if (m != null) {
            m.finish(r != null ? r.progress() : null);
        }
    }

    private String currentPhaseOr(RunReport report) {
        MigrationRun r = run;
        return r != null ? r.currentPhase() : report.phasesCompleted().isEmpty() ? "unknown"
                : report.phasesCompleted().get(report.phasesCompleted().size() - 1);
    }

    // ------------------------------------------------------------------------------------------ decisions

    @Override
    public void onGateChange(GateChange c) {
        if (!accept(c.migration())) {
            return;
        }
        ensurePhase(c.phase());
        pendingGates.add(c);
        meters.thresholds(c.gate(), c.unit(), c.yellow(), c.red());
        AttributesBuilder a = Attributes.builder().put(Keys.GATE_PREVIOUS_STATE, c.from().name())
                .put(Keys.REASON, c.reason());
        gate(a, c);
        phaseSpan.addEvent(Keys.EVENT_GATE, a.build());
    }

    private static void gate(AttributesBuilder a, GateChange c) {
        a.put(Keys.GATE, c.gate()).put(Keys.GATE_STATE, c.to().name()).put(Keys.GATE_UNIT, c.unit());
        putIfNumber(a, Keys.GATE_VALUE, c.value());
        putIfNumber(a, Keys.GATE_YELLOW, c.yellow());
        putIfNumber(a, Keys.GATE_RED, c.red());
    }

    private static void putIfNumber(AttributesBuilder a, io.opentelemetry.api.common.AttributeKey<Double> key,
            double value) {
        if (!Double.isNaN(value)) {
            a.put(key, value);
        }
    }

    @Override
    public void onDecision(DecisionChange c) {
        if (!accept(c.migration())) {
            return;
        }
        ensurePhase(c.phase());
        AttributesBuilder a = Attributes.builder().put(Keys.DECISION, c.to().name())
                .put(Keys.PREVIOUS_DECISION, c.from().name()).put(Keys.BATCH_SIZE, (long) c.batchSize())
                .put(Keys.RATE_LIMIT, c.rateLimit()).put(Keys.REASON, c.reason());
        GateChange cause = worst(pendingGates);
        pendingGates.clear();
        if (cause != null) {
            gate(a, cause);
        }
        lastDecisionGate = cause;
        phaseSpan.addEvent(Keys.EVENT_DECISION, a.build());
        if (c.to() == Decision.ABORT) {
            phaseSpan.setStatus(StatusCode.ERROR, c.reason());
        }
    }

    /** The gate change that drove a decision: the most severe of those since the previous decision. */
    private static GateChange worst(List<GateChange> changes) {
        GateChange worst = null;
        for (GateChange g : changes) {
            if (worst == null || severity(g.to()) >= severity(worst.to())) {
                worst = g;
            }
        }
        return worst;
    }

    private static int severity(GateState s) {
        switch (s) {
            case RED:
                return 3;
            case UNKNOWN:
                return 2;
            case YELLOW:
                return 1;
            default:
                return 0;
        }
    }

    @Override
    public void onStateChange(StateChange c) {
        if (!accept(c.migration())) {
            return;
        }
        Attributes a = Attributes.builder().put(Keys.STATE, c.to().name()).put(Keys.PREVIOUS_STATE, c.from().name())
                .put(Keys.REASON, c.reason()).build();
        if (c.from() == RunState.PREFLIGHT) {
            // the run starts: the phase span opens in onStart, once the pre-flight span has its baselines
            ensureRun(run.plan());
            runSpan.addEvent(Keys.EVENT_STATE, a);
            return;
        }
        ensurePhase(c.phase());
        phaseSpan.addEvent(Keys.EVENT_STATE, a);
    }

    @Override
    public void onInvariant(InvariantOutcome o) {
        if (!accept(o.migration())) {
            return;
        }
        meters.invariant(o.invariant(), o.result().passed(), o.result().rowsSampled());
        if (o.result().passed() && "cadence".equals(o.reason())) {
            return; // routine passes are counted, not traced
        }
        ensurePhase(o.phase());
        Attributes a = Attributes.builder().put(Keys.INVARIANT, o.invariant())
                .put(Keys.INVARIANT_PASSED, o.result().passed()).put(Keys.INVARIANT_TRIGGER, o.reason())
                .put(Keys.INVARIANT_ROWS, o.result().rowsSampled()).put(Keys.INVARIANT_MESSAGE, o.result().message())
                .build();
        phaseSpan.addEvent(o.result().passed() ? Keys.EVENT_INVARIANT_PASSED : Keys.EVENT_INVARIANT_FAILED, a);
    }

    @Override
    public void onEscalation(String reason) {
        if (finished || phaseSpan == null) {
            return;
        }
        AttributesBuilder a = Attributes.builder().put(Keys.REASON, reason);
        if (lastDecisionGate != null) {
            gate(a, lastDecisionGate);
        }
        phaseSpan.addEvent(Keys.EVENT_ESCALATION, a.build());
    }

    @Override
    public void onProgress(ProgressSnapshot snapshot) {
        RunMeters m = meters;
        if (m != null && accept(snapshot.migration())) {
            m.progress(snapshot);
        }
    }

    // ------------------------------------------------------------------------------------------ batches

    @Override
    public void onBatchStart(BatchEvent e) {
        if (!accept(e.migration())) {
            return;
        }
        closeScopeOnThisThread(-1);
        ensurePhase(e.phase());
        if (phaseSpan == null) {
            return;
        }
        phaseBatches++;
        Context ctx;
        if (settings.batchSpans().isTraced(phaseBatches)) {
            Span span = tracer.spanBuilder("batch " + e.phase()).setParent(phaseContext)
                    .setSpanKind(SpanKind.INTERNAL).setAllAttributes(batchAttributes(e)).startSpan();
            batchSpans.put(e.sequence(), span);
            ctx = phaseContext.with(span);
        } else {
            SpanContext p = phaseSpan.getSpanContext();
            if (!p.isValid()) {
                return;
            }
            // a not-sampled child: with a parent-based sampler, spans created inside the batch are dropped too
            ctx = phaseContext.with(Span.wrap(SpanContext.create(p.getTraceId(), randomSpanId(),
                    TraceFlags.getDefault(), p.getTraceState())));
        }
        SpanContext sc = Span.fromContext(ctx).getSpanContext();
        if (!sc.isValid()) {
            return; // tracing is off: nothing worth making current
        }
        Scope scope = ctx.makeCurrent();
        String[] mdc = settings.logCorrelation() ? TraceMdc.put(sc) : null;
        scopes.set(new BatchScope(e.sequence(), scope, mdc));
    }

    private Attributes batchAttributes(BatchEvent e) {
        return db(Attributes.builder().put(Keys.MIGRATION, e.migration()).put(Keys.PHASE, e.phase())
                .put(Keys.BATCH_SEQUENCE, e.sequence()).put(Keys.BATCH_SIZE, (long) e.size())).build();
    }

    private static String randomSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return SpanId.fromLong(id);
    }

    @Override
    public void onBatchEnd(BatchEvent e) {
        if (!ours(e.migration())) {
            return;
        }
        Span span = batchSpans.remove(e.sequence());
        Instant end = null;
        if (span == null && e.failed() && phaseSpan != null && !finished) {
            // not traced at its start: a failed batch always gets a span, back-dated by its duration
            end = Instant.now();
            span = tracer.spanBuilder("batch " + e.phase()).setParent(phaseContext).setSpanKind(SpanKind.INTERNAL)
                    .setAllAttributes(batchAttributes(e)).setStartTimestamp(end.minusNanos(e.durationNanos()))
                    .startSpan();
        }
        if (span != null) {
            span.setAttribute(Keys.ROWS, e.rows());
            if (e.failed()) {
                span.recordException(e.error());
                span.setAttribute(Keys.ERROR_TYPE, e.error().getClass().getName());
                span.setStatus(StatusCode.ERROR, String.valueOf(e.error().getMessage()));
            }
            if (end != null) {
                span.end(end);
            } else {
                span.end();
            }
        }
        closeScopeOnThisThread(e.sequence());
        RunMeters m = meters;
        if (e.failed()) {
            m.batchFailed(e.phase(), e.error(), e.durationNanos());
        } else {
            m.batchSucceeded(e.phase(), e.rows(), e.durationNanos());
        }
    }

    /** Closes this thread's batch scope: any (sequence -1), or only the given batch's. */
    private void closeScopeOnThisThread(long sequence) {
        BatchScope s = scopes.get();
        if (s == null || (sequence >= 0 && s.sequence() != sequence)) {
            return;
        }
        scopes.remove();
        s.scope().close();
        if (s.mdc() != null) {
            TraceMdc.restore(s.mdc());
        }
    }

    @Override
    public String toString() {
        return "MigrationTelemetry listener[" + migration + "]";
    }
}
