package io.migobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.internal.BatchController;
import io.migobs.internal.Checks;
import io.migobs.internal.Fmt;
import io.migobs.internal.GateTracker;
import io.migobs.internal.RateGovernor;
import io.migobs.internal.RecentRate;
import io.migobs.internal.RunMetrics;
import io.migobs.internal.RunStatSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One execution of a {@link MigrationPlan}: wraps the application's batch loop, hands out batches of the size the
 * controller chooses, samples the gates, decides (proceed, throttle, pause, abort, stabilize), runs invariants,
 * promotes phases, and exports progress, lag and decisions as Micrometer meters, SLF4J logs and listener events.
 *
 * <pre>{@code
 * try (MigrationRun run = MigrationRun.start(plan, meterRegistry)) {
 *     while (run.hasNext()) {                 // blocks while paused or throttled; false when done or aborted
 *         Batch batch = run.nextBatch();      // the size to take now, and the phase
 *         long last = copyRows(cursor, batch.size());
 *         batch.complete(batch.size(), last); // or batch.fail(exception)
 *     }
 *     RunReport report = run.report();
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> Thread-safe. Several worker threads may share one run (partitions): each calls
 * {@link #hasNext()}/{@link #nextBatch()} and finishes its own batches; counts are exact. {@link #hasNext()} that
 * returns true reserves the next batch for the calling thread; {@link #nextBatch()} on that thread returns it.
 * {@link #pause()}, {@link #resume()}, {@link #abort(String)} and {@link #approve()} may be called from any thread
 * and take effect before the next batch starts. Gates are sampled by whichever thread asks for a batch when a
 * sample is due, with the run's lock held (a read is bounded by the gate's timeout).
 *
 * <p><b>Completion.</b> The run completes when the plan's exact {@link MigrationPlan.Builder#totalRows(long)} are
 * done, or when a batch is finished with {@link Batch#completeLast(long, Object)}. Every invariant then runs once
 * more; a failure turns the completion into an abort.
 */
public final class MigrationRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRun.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long AUX_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RECENT_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int ERROR_WINDOW = 100;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final MigrationPlan plan;
    private final TimeSource time;
    private final List<MigrationListener> listeners;
    private final String stopAfterPhase;
    private final long resumedRows;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Phase> phases;
    private final Map<Gate, GateTracker> trackers = new IdentityHashMap<>();
    private final GateTracker[][] phaseTrackers;
    private final BatchController controller;
    private final double targetSeconds;
    private final RecentRate recent = new RecentRate(RECENT_WINDOW_NANOS);
    private final InvariantState[] invariants;
    private final ThreadLocal<BatchImpl> pending = new ThreadLocal<>();
    private final java.util.Set<MigrationListener> brokenListeners =
            java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());
    private final Map<String, Double> baselines = new LinkedHashMap<>();
    private final List<GateChange> gateChanges = new ArrayList<>();
    private final List<DecisionChange> decisions = new ArrayList<>();
    private final List<PhaseChange> phaseChanges = new ArrayList<>();
    private final List<String> phasesCompleted = new ArrayList<>();
    private final Map<Signal, Future<Signal.Reading>> runningReads = new IdentityHashMap<>();
    private final boolean[] errorWindow = new boolean[ERROR_WINDOW];
    private RunMetrics metrics;
    private RateGovernor governor;
    private final MeterRegistry registry;
    private ExecutorService signalExecutor;

    private RunState state = RunState.PREFLIGHT;
    private String reason;
    private Decision decision = Decision.PROCEED;
    private boolean manualPause;
    private boolean approved;
    private int phaseIndex;
    private long phaseEndRows = Long.MAX_VALUE;
    private long rows;
    private long batches;
    private long failedBatches;
    private int consecutiveFailures;
    private long sequence;
    private int inflight;
    private long reservedRows;
    private Object cursor;
    private Object startCursor;
    private double startFraction;
    private boolean sourceExhausted;
    private boolean checking;
    private boolean boundaryInvariantsDone;
    private long[] boundarySampleMarks;
    private long startNanos;
    private long startWallMillis;
    private long endNanos;
    private long endWallMillis;
    private long stateSinceNanos;
    private long throttledNanos;
    private long pausedNanos;
    private long rateWaitNanos;
    private long lastBackOffNanos = Long.MIN_VALUE / 2;
    private long lastProgressLogNanos;
    private long nextAuxSampleAt = Long.MIN_VALUE;
    private double replicaLag = Double.NaN;
    private double backlog = Double.NaN;
    private int errorPos;
    private int errorCount;
    private int errorFailures;
    private double latencyEwma;
    private boolean finishNotified;
    private boolean rollbackStarted;
    private boolean rolledBack;
    private String rollbackError;
    private boolean closedEarly;
    private Verdict verdict;
    private String readDetail;
    private long readAgeNanos;
    /** The wall-clock observation time of the last reading, or {@link Long#MIN_VALUE} for the run's own signals. */
    private long readObservedMillis = Long.MIN_VALUE;

    private MigrationRun(Builder b) {
        this.plan = b.plan;
        this.time = b.time;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.stopAfterPhase = b.stopAfterPhase;
        this.resumedRows = b.resumeRows;
        this.phases = plan.phases();
        this.phaseTrackers = new GateTracker[phases.size()][];
        for (Gate g : plan.allGates()) {
            trackers.put(g, new GateTracker(g));
        }
        for (int i = 0; i < phases.size(); i++) {
            List<Gate> gs = plan.gatesOf(phases.get(i));
            phaseTrackers[i] = new GateTracker[gs.size()];
            for (int j = 0; j < gs.size(); j++) {
                phaseTrackers[i][j] = trackers.get(gs.get(j));
            }
        }
        this.targetSeconds = plan.targetBatchTime().toNanos() / 1e9;
        this.controller = new BatchController(plan.initialBatchSize(), plan.minBatchSize(), plan.maxBatchSize(),
                plan.targetBatchTime().toNanos() / 1e9);
        this.invariants = new InvariantState[plan.invariants().size()];
        for (int i = 0; i < invariants.length; i++) {
            invariants[i] = new InvariantState(plan.invariants().get(i));
        }
        this.rows = b.resumeRows;
        this.cursor = b.resumeCursor;
        this.startCursor = b.resumeCursor;
        List<String> names = new ArrayList<>();
        for (Phase p : phases) {
            names.add(p.name());
        }
        this.registry = b.registry;
        this.metrics = new RunMetrics(b.registry, plan.name(), names, new MetricsSource());
        for (GateTracker t : trackers.values()) {
            metrics.gate(t.gate().name(), t.gate().signal().unit(), t, x -> x.state().code(), GateTracker::lastValue,
                    GateTracker::yellow, GateTracker::red);
        }
        for (InvariantState inv : invariants) {
            metrics.declareInvariant(inv.spec.name());
            inv.fromCursor = b.resumeCursor;
            inv.lastRows = b.resumeRows;
        }
    }

    /**
     * Starts a run with the system clock and the given registry: measures baselines if a gate needs them, then
     * returns ready for the first batch.
     *
     * @param plan the plan
     * @param registry where the meters go
     * @return the started run
     * @throws NullPointerException if an argument is null
     * @throws MigrationException if a baseline could not be measured
     */
    public static MigrationRun start(MigrationPlan plan, MeterRegistry registry) {
        return builder(plan).meterRegistry(registry).start();
    }

    /**
     * Configures a run: registry, time source, listeners, resume point, canary stop.
     *
     * @param plan the plan
     * @return a new builder
     * @throws NullPointerException if plan is null
     */
    public static Builder builder(MigrationPlan plan) {
        return new Builder(plan);
    }

    /**
     * A one-shot go/no-go for a step that is not a loop (a cutover, a switch of reads): measures baselines if
     * needed, reads every gate of the plan's first phase once, runs every invariant, and returns the verdict with
     * its evidence. Hold windows do not apply: any gate not green on this reading is NO-GO.
     *
     * @param plan the plan
     * @param time the time source (baselines wait on it)
     * @return the verdict
     */
    public static Verdict goNoGo(MigrationPlan plan, TimeSource time) {
        MigrationRun run = builder(plan).timeSource(time).start();
        try {
            return run.goNoGo();
        } finally {
            run.lock.lock();
            try {
                if (!run.state.isTerminal()) {
                    run.setState(RunState.STOPPED, "one-shot go/no-go evaluated");
                    run.markEnded();
                }
            } finally {
                run.lock.unlock();
            }
            run.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    private void begin() {
        lock.lock();
        try {
            long now = time.nanoTime();
            stateSinceNanos = now;
            if (plan.needsBaseline()) {
                preflight();
            }
            now = time.nanoTime();
            startNanos = now;
            startWallMillis = time.wallTimeMillis();
            stateSinceNanos = now;
            lastProgressLogNanos = now;
            recent.start(now, rows);
            controller.start(now, rows);
            enterPhase(0, 0);
            while (rows > 0 && skipResumedPhase()) {
                // resumed past this phase's quota
            }
            startFraction = rawFraction();
            if (Double.isNaN(startFraction)) {
                startFraction = 0;
            }
            if (plan.maxRowsPerSecond() > 0 || phase().maxRowsPerSecond() > 0) {
                applyRate();
            }
            setState(RunState.RUNNING, rows > 0 ? "resumed at " + rows + " rows" : "started");
            log("start", "migration={} phase={} type={} blast_radius={} rollback={} total_rows={} resumed_rows={}"
                    + " batch_size={} max_rows_per_second={} gates={} invariants={}", plan.name(), phase().name(),
                    plan.type(), plan.blastRadius(), plan.rollback(), plan.totalRows(), resumedRows,
                    controller.size(), plan.maxRowsPerSecond(), plan.allGates().size(), invariants.length);
            Map<String, Double> b = Map.copyOf(baselines);
            emit(l -> l.onStart(plan, b));
        } finally {
            lock.unlock();
        }
    }

    private boolean skipResumedPhase() {
        if (phaseIndex >= phases.size() - 1) {
            return false;
        }
        Phase p = phase();
        boolean done = rows >= phaseEndRows || (p.untilFraction() > 0 && fractionReached(p.untilFraction()));
        if (done) {
            phasesCompleted.add(p.name());
            enterPhase(phaseIndex + 1, Math.min(rows, phaseEndRows));
        }
        return done;
    }

    private void enterPhase(int index, long startRows) {
        phaseIndex = index;
        Phase p = phases.get(index);
        if (p.rows() > 0) {
            phaseEndRows = startRows + p.rows();
        } else if (p.untilFraction() > 0 && plan.totalRows() > 0) {
            phaseEndRows = Math.round(p.untilFraction() * plan.totalRows());
        } else {
            phaseEndRows = Long.MAX_VALUE;
        }
        boundaryInvariantsDone = false;
        boundarySampleMarks = null;
        approved = false;
    }

    private void preflight() {
        setStateQuiet(RunState.PREFLIGHT);
        List<Gate> all = plan.allGates();
        Map<Gate, List<Double>> samples = new IdentityHashMap<>();
        long interval = Long.MAX_VALUE;
        for (Gate g : all) {
            samples.put(g, new ArrayList<>());
            interval = Math.min(interval, g.sampleInterval().toNanos());
        }
        long window = plan.baselineWindow().toNanos();
        long begin = time.nanoTime();
        log("preflight", "migration={} measuring baselines window={} interval_ms={}", plan.name(),
                plan.baselineWindow(), interval / 1_000_000);
        while (true) {
            for (Gate g : all) {
                double v = readSignal(g.signal(), g);
                if (trackers.get(g).valid(v)) {
                    samples.get(g).add(v);
                }
            }
            if (time.nanoTime() - begin >= window) {
                break;
            }
            sleepUnlocked(interval);
        }
        for (Gate g : all) {
            List<Double> s = samples.get(g);
            if (s.isEmpty()) {
                if (g.isRelative()) {
                    throw new MigrationException(plan.name(), null, "could not measure the baseline of gate '"
                            + g.name() + "': no valid reading of signal '" + g.signal().name() + "' in "
                            + plan.baselineWindow() + " (last: " + readDetail + ")", null);
                }
                continue;
            }
            double value = statistic(s, g.isRelative() ? g.baselineStatistic() : Gate.BaselineStatistic.P99);
            baselines.put(g.name(), value);
            trackers.get(g).baseline(value);
            log("baseline", "migration={} gate={} baseline={} unit={} samples={} yellow={} red={}", plan.name(),
                    g.name(), Fmt.num(value), g.signal().unit(), s.size(), Fmt.num(trackers.get(g).yellow()),
                    Fmt.num(trackers.get(g).red()));
        }
    }

    private static double statistic(List<Double> values, Gate.BaselineStatistic stat) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        switch (stat) {
            case MEAN:
                return sorted.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            case MEDIAN:
                return sorted.get((sorted.size() - 1) / 2);
            case MAX:
                return sorted.get(sorted.size() - 1);
            case P99:
            default:
                int rank = (int) Math.ceil(0.99 * sorted.size());
                return sorted.get(Math.max(0, rank - 1));
        }
    }

    // ------------------------------------------------------------------------------------------------ the loop

    /**
     * Whether another batch may start. Blocks while the run is paused, throttled by the rate cap, awaiting
     * approval, stabilizing, or at a phase boundary waiting for green gates. Returns true with the next batch
     * reserved for this thread; false when the run completed, aborted or stopped.
     *
     * @return true when {@link #nextBatch()} will return a batch at once
     * @throws MigrationException if the thread is interrupted while waiting (the run is not aborted)
     */
    public boolean hasNext() {
        return reserve() != null;
    }

    /**
     * The next batch: the size to take now and the phase. Calls {@link #hasNext()} first if the thread has no
     * reserved batch, so it may block.
     *
     * @return the batch; finish it with {@link Batch#complete(long, Object)} or {@link Batch#fail(Throwable)}
     * @throws MigrationAbortedException if the run aborted or stopped
     * @throws NoSuchElementException if the run completed
     */
    public Batch nextBatch() {
        while (true) {
            BatchImpl b = reserve();
            if (b == null) {
                lock.lock();
                try {
                    if (state == RunState.COMPLETED) {
                        throw new NoSuchElementException("migration '" + plan.name() + "' has completed");
                    }
                    throw new MigrationAbortedException(plan.name(), phase().name(), state, reason);
                } finally {
                    lock.unlock();
                }
            }
            pending.set(null); // not remove(): clearing the entry's reference is a native call, per batch
            lock.lock();
            try {
                // checked again with the start, atomically: a pause() that returned before this point is obeyed
                if (!state.isTerminal() && !blocked()) {
                    b.startNanos = time.nanoTime();
                    if (!listeners.isEmpty()) {
                        BatchEvent e = new BatchEvent(plan.name(), b.phaseName, b.sequence, b.size, 0, 0, null, null);
                        emit(l -> l.onBatchStart(e));
                    }
                    return b;
                }
                release(b); // paused or ended since it was reserved: it must not start; wait (or end) in reserve()
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The callback form: runs the whole loop, calling {@code work} for each batch, and returns the report. The work
     * finishes the batch itself; if it throws, the batch is failed with the exception and the loop goes on (the
     * plan's failure limit and error-rate gate decide when to stop).
     *
     * @param work processes one batch and calls complete (or fail)
     * @return the report once the run ended
     * @throws IllegalStateException if the work returns without finishing its batch
     */
    public RunReport execute(BatchWork work) {
        Checks.notNull(work, "batch work");
        while (hasNext()) {
            executeOne(work);
        }
        return report();
    }

    /**
     * One batch of {@link #execute(BatchWork)}: a method of its own, called once per batch, so that the JIT compiles
     * it after a few hundred batches (a loop body inside a method called once per run stays interpreted until tens of
     * thousands of iterations).
     */
    private void executeOne(BatchWork work) {
        Batch b = nextBatch();
        try {
            work.process(b);
        } catch (Exception e) {
            if (!b.isFinished()) {
                b.fail(e);
            }
            return;
        }
        if (!b.isFinished()) {
            IllegalStateException e = new IllegalStateException("batch work returned without calling complete"
                    + " or fail on batch " + b.sequence() + " of migration '" + plan.name() + "'");
            b.fail(e);
            throw e;
        }
    }

    /** The work of one batch in {@link #execute(BatchWork)}. */
    @FunctionalInterface
    public interface BatchWork {
        /**
         * Processes one batch and finishes it.
         *
         * @param batch the batch
         * @throws Exception on failure; the batch is then failed with it
         */
        void process(Batch batch) throws Exception;
    }

    private BatchImpl reserve() {
        BatchImpl b = pending.get();
        if (b != null) {
            boolean terminal;
            lock.lock();
            try {
                terminal = state.isTerminal();
                if (!terminal && !blocked()) {
                    return b;
                }
                // paused or ended since hasNext() reserved it: the reserved batch must not start now
                release(b);
            } finally {
                lock.unlock();
            }
            pending.remove();
            if (terminal) {
                finishIfEnded();
                return null;
            }
            b = null;
        }
        while (true) {
            long sleep;
            List<InvariantState> boundary = null;
            String boundaryReason = null;
            lock.lock();
            try {
                long now = time.nanoTime();
                if (state.isTerminal()) {
                    b = null;
                    break;
                }
                sampleDue(now);
                maybeLogProgress(now);
                if (state.isTerminal()) {
                    b = null;
                    break;
                }
                sleep = nextWake(now);
                if (checking) {
                    // another thread runs boundary invariants
                } else if (completionReached()) {
                    if (inflight == 0) {
                        checking = true;
                        boundary = allInvariants();
                        boundaryReason = "final";
                    }
                } else if (quotaDone()) {
                    if (inflight == 0) {
                        if (!boundaryInvariantsDone) {
                            checking = true;
                            boundary = allInvariants();
                            boundaryReason = "phase-end";
                        } else if (atBoundary(now)) {
                            continue;
                        }
                    }
                } else if (!blocked()) {
                    int size = controller.next(phase().maxBatchSize());
                    double limit = currentRateLimit();
                    if (limit > 0) {
                        // under a rate cap a batch carries at most the target batch time of the cap, so the wait
                        // for permits stays short and gates are sampled between batches as often as without a cap
                        size = (int) Math.min(size, Math.max(plan.minBatchSize(), limit * targetSeconds));
                    }
                    if (phaseEndRows != Long.MAX_VALUE) {
                        size = (int) Math.min(size, phaseEndRows - rows - reservedRows);
                    }
                    if (plan.totalRows() > 0 && !plan.totalIsEstimate()) {
                        size = (int) Math.min(size, plan.totalRows() - rows - reservedRows);
                    }
                    if (size > 0) {
                        inflight++;
                        reservedRows += size;
                        sequence++;
                        b = new BatchImpl(sequence, size, phaseIndex, phase().name(), cursor);
                        break;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (boundary != null) {
                runBoundary(boundary, boundaryReason);
                continue;
            }
            sleepUnlocked(sleep);
        }
        if (b == null) {
            finishIfEnded();
            return null;
        }
        RateGovernor g = governor;
        if (g != null) {
            long waited;
            try {
                waited = g.acquire(b.size);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lock.lock();
                try {
                    release(b);
                } finally {
                    lock.unlock();
                }
                throw new MigrationException(plan.name(), b.phaseName, "interrupted while waiting for the rate limit",
                        e);
            }
            lock.lock();
            try {
                rateWaitNanos += waited;
                if (state.isTerminal()) {
                    release(b);
                    b = null;
                }
            } finally {
                lock.unlock();
            }
            if (b == null) {
                finishIfEnded();
                return null;
            }
        }
        pending.set(b);
        return b;
    }

    private void release(BatchImpl b) {
        inflight--;
        reservedRows -= b.size;
        b.finished = true;
    }

    private List<InvariantState> allInvariants() {
        return List.of(invariants);
    }

    private void runBoundary(List<InvariantState> checks, String why) {
        List<InvariantOutcome> outcomes = runInvariants(checks, why);
        lock.lock();
        try {
            checking = false;
            String failure = recordInvariants(checks, outcomes);
            if (failure != null) {
                red(failure);
            } else if ("final".equals(why)) {
                if (!state.isTerminal()) {
                    phasesCompleted.add(phase().name());
                    setState(RunState.COMPLETED, "all rows processed, every invariant passed");
                    markEnded();
                }
            } else {
                boundaryInvariantsDone = true;
            }
        } finally {
            lock.unlock();
        }
        finishIfEnded();
    }

    /** At a phase boundary with invariants done: promote, stop, or wait. Returns true when something changed. */
    private boolean atBoundary(long now) {
        Phase p = phase();
        GateTracker[] active = phaseTrackers[phaseIndex];
        boolean last = phaseIndex == phases.size() - 1;
        boolean stop = last || p.name().equals(stopAfterPhase);
        int k = p.greenSamplesToPromote();
        if (stop) {
            if (boundarySampleMarks == null) {
                boundarySampleMarks = new long[active.length];
                for (int i = 0; i < active.length; i++) {
                    boundarySampleMarks[i] = active[i].samples();
                }
                log("boundary", "migration={} phase={} quota done at rows={}; taking {} samples of every gate for the"
                        + " verdict", plan.name(), p.name(), rows, k);
            }
            for (int i = 0; i < active.length; i++) {
                if (active[i].samples() - boundarySampleMarks[i] < k) {
                    return false;
                }
            }
            verdict = verdictOf(active, k, invariantOutcomesForVerdict());
            phasesCompleted.add(p.name());
            setState(RunState.STOPPED, "stopped after phase '" + p.name() + "': " + verdict.summary());
            markEnded();
            return true;
        }
        for (GateTracker t : active) {
            if (t.greenRun() < k) {
                return false;
            }
        }
        if (p.requiresApproval() && !approved) {
            if (state != RunState.AWAITING_APPROVAL) {
                setState(RunState.AWAITING_APPROVAL, "phase '" + p.name() + "' done: gates green for " + k
                        + " samples, invariants passed; waiting for approve()");
            }
            return false;
        }
        String from = p.name();
        String evidence = "quota done at " + rows + " rows; every gate green for the last " + k
                + " samples; invariants passed" + (p.requiresApproval() ? "; approved" : "");
        phasesCompleted.add(from);
        enterPhase(phaseIndex + 1, rows);
        applyRate();
        PhaseChange change = new PhaseChange(plan.name(), from, phase().name(), rows, evidence,
                time.wallTimeMillis());
        phaseChanges.add(change);
        log("promote", "migration={} from={} to={} rows={} evidence=\"{}\"", plan.name(), from, phase().name(), rows,
                evidence);
        emit(l -> l.onPhaseChange(change));
        if (state == RunState.AWAITING_APPROVAL) {
            setState(stateFor(decision), "approved");
        }
        return true;
    }

    private List<InvariantOutcome> invariantOutcomesForVerdict() {
        List<InvariantOutcome> out = new ArrayList<>();
        for (InvariantState inv : invariants) {
            if (inv.lastOutcome != null) {
                out.add(inv.lastOutcome);
            }
        }
        return out;
    }

    private Verdict verdictOf(GateTracker[] active, int k, List<InvariantOutcome> outcomes) {
        List<Verdict.GateReading> readings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (GateTracker t : active) {
            boolean ok = t.greenRun() >= k;
            GateState s = ok ? GateState.GREEN : (t.state() == GateState.GREEN ? t.lastLevel() : t.state());
            readings.add(new Verdict.GateReading(t.gate().name(), s, t.lastValue(), t.yellow(), t.red(),
                    t.gate().signal().unit(), t.explain(t.gate().signal().unit())));
            if (!ok) {
                problems.add("gate '" + t.gate().name() + "' not green for the last " + k + " samples (last value "
                        + Fmt.num(t.lastValue()) + " " + t.gate().signal().unit() + ")");
            }
        }
        for (InvariantOutcome o : outcomes) {
            if (!o.result().passed()) {
                problems.add("invariant '" + o.invariant() + "' failed: " + o.result().message());
            }
        }
        boolean go = problems.isEmpty();
        String summary = go ? "GO: every gate green, every invariant passed" : "NO-GO: " + String.join("; ", problems);
        return new Verdict(go, summary, readings, outcomes, time.wallTimeMillis());
    }

    private boolean completionReached() {
        if (sourceExhausted) {
            return true;
        }
        return plan.totalRows() > 0 && !plan.totalIsEstimate() && rows >= plan.totalRows();
    }

    private boolean quotaDone() {
        Phase p = phase();
        if (p.isOpenEnded()) {
            return false;
        }
        return rows >= phaseEndRows || (p.untilFraction() > 0 && fractionReached(p.untilFraction()));
    }

    private boolean fractionReached(double f) {
        double x = rawFraction();
        return !Double.isNaN(x) && x >= f;
    }

    private boolean blocked() {
        return manualPause || decision == Decision.PAUSE || decision == Decision.STABILIZE
                || state == RunState.AWAITING_APPROVAL;
    }

    private long nextWake(long now) {
        long wake = now + POLL_NANOS;
        for (GateTracker t : phaseTrackers[phaseIndex]) {
            wake = Math.min(wake, t.nextSampleAt());
        }
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), wake - now);
    }

    private void sleepUnlocked(long nanos) {
        try {
            time.sleepNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(plan.name(), phase().name(), "interrupted while waiting", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ gates

    private void sampleDue(long now) {
        GateTracker[] active = phaseTrackers[phaseIndex];
        boolean fresh = false;
        boolean freshBad = false;
        boolean steered = false;
        for (GateTracker t : active) {
            if (now < t.nextSampleAt()) {
                continue;
            }
            Gate g = t.gate();
            GateState before = t.state();
            double v = readSignal(g.signal(), g);
            String detail = t.valid(v) ? "value " + Fmt.num(v) : readDetail;
            GateState after = t.record(v, detail);
            t.scheduleNext(now, g.sampleInterval().toNanos(), readAgeNanos);
            fresh = true;
            if (g.hasTarget() && t.valid(v)) {
                steered = true;
                controller.steer(t, v, t.target(), t.yellow(), g.direction() == Gate.Direction.ABOVE,
                        g.signal() == plan.replicaLag(), t.observedNanos(now, readAgeNanos, readObservedMillis),
                        g.sampleInterval().toNanos(), now);
            }
            freshBad |= after != GateState.GREEN;
            if (before != after) {
                String why = t.explain(g.signal().unit());
                GateChange c = new GateChange(plan.name(), phase().name(), g.name(), before, after, v, t.yellow(),
                        t.red(), g.signal().unit(), why, time.wallTimeMillis());
                gateChanges.add(c);
                if (after == GateState.GREEN) {
                    log("gate", "migration={} gate={} from={} to={} value={} unit={} yellow={} red={}", plan.name(),
                            g.name(), before, after, Fmt.num(v), g.signal().unit(), Fmt.num(t.yellow()),
                            Fmt.num(t.red()));
                } else {
                    warn("gate", "migration={} gate={} from={} to={} value={} unit={} yellow={} red={} reason=\"{}\"",
                            plan.name(), g.name(), before, after, Fmt.num(v), g.signal().unit(), Fmt.num(t.yellow()),
                            Fmt.num(t.red()), why);
                }
                emit(l -> l.onGateChange(c));
            }
        }
        if (now >= nextAuxSampleAt) {
            nextAuxSampleAt = now + AUX_SAMPLE_NANOS;
            sampleAux(active);
        }
        if (steered) {
            controller.endRound();
            applyRate();
            if (governor != null) {
                governor.holdUntil(controller.holdUntil());
            }
        }
        if (fresh) {
            decide(freshBad);
        }
    }

    private void sampleAux(GateTracker[] active) {
        Signal lag = plan.replicaLag();
        if (lag != null) {
            double v = Double.NaN;
            boolean found = false;
            for (GateTracker t : active) {
                if (t.gate().signal() == lag) {
                    v = t.lastValue();
                    found = true;
                    break;
                }
            }
            if (!found) {
                v = readSignal(lag, null);
            }
            replicaLag = v;
        }
        if (plan.sourceHead() != null && cursor instanceof Number n) {
            try {
                backlog = Math.max(0, plan.sourceHead().getAsLong() - n.longValue());
            } catch (RuntimeException e) {
                backlog = Double.NaN;
            }
        }
    }

    /** Reads a signal with the gate's timeout and staleness bound; NaN (and {@link #readDetail}) on failure. */
    private double readSignal(Signal s, Gate gate) {
        readAgeNanos = 0;
        readObservedMillis = Long.MIN_VALUE;
        if (s == RunStatSignal.ERROR_RATE) {
            readDetail = null;
            return errorCount == 0 ? 0 : (double) errorFailures / errorCount;
        }
        if (s == RunStatSignal.BATCH_LATENCY) {
            readDetail = null;
            return latencyEwma;
        }
        Future<Signal.Reading> running = runningReads.get(s);
        if (running != null && !running.isDone()) {
            readDetail = "previous read of signal '" + s.name() + "' is still running";
            return Double.NaN;
        }
        Duration timeout = gate == null ? Gate.DEFAULT_READ_TIMEOUT : gate.readTimeout();
        Future<Signal.Reading> f = executor().submit(() -> s.sample(time));
        runningReads.put(s, f);
        Signal.Reading r;
        try {
            r = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            readDetail = "read of signal '" + s.name() + "' timed out after " + timeout;
            return Double.NaN;
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            readDetail = "read of signal '" + s.name() + "' failed: " + c.getClass().getSimpleName()
                    + (c.getMessage() == null ? "" : ": " + c.getMessage());
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            readDetail = "read of signal '" + s.name() + "' interrupted";
            return Double.NaN;
        }
        runningReads.remove(s);
        if (r == null) {
            readDetail = "signal '" + s.name() + "' returned no reading";
            return Double.NaN;
        }
        if (gate != null && gate.maxAge() != null) {
            long age = time.wallTimeMillis() - r.observedAtMillis();
            if (age > gate.maxAge().toMillis()) {
                readDetail = "signal '" + s.name() + "' is stale: last observed " + age + " ms ago (max "
                        + gate.maxAge().toMillis() + " ms)";
                return Double.NaN;
            }
        }
        readAgeNanos = Math.max(0, (time.wallTimeMillis() - r.observedAtMillis()) * 1_000_000L);
        readObservedMillis = r.observedAtMillis();
        double v = r.value();
        boolean valid = !Double.isNaN(v) && !Double.isInfinite(v) && (v >= 0 || (gate != null && gate.allowsNegative()));
        readDetail = valid ? null : "signal '" + s.name() + "' returned " + v;
        return v;
    }

    private ExecutorService executor() {
        if (signalExecutor == null) {
            signalExecutor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "migobs-signal-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return signalExecutor;
    }

    private void decide(boolean freshBad) {
        if (state.isTerminal()) {
            return;
        }
        GateTracker[] active = phaseTrackers[phaseIndex];
        GateTracker red = null;
        List<GateTracker> bad = null;
        boolean pause = false;
        for (GateTracker t : active) {
            GateState s = t.state();
            if (s == GateState.RED && t.lastSampleCountsRed()) {
                red = red == null ? t : red;
            } else if (s != GateState.GREEN) {
                // includes a RED gate whose last sample is no longer red-level: it is recovering, act as yellow
                if (bad == null) {
                    bad = new ArrayList<>(2);
                }
                bad.add(t);
                pause |= t.gate().yellowAction() == Gate.YellowAction.PAUSE;
            }
        }
        if (red != null) {
            if (decision != Decision.STABILIZE) {
                red(red.explain(red.gate().signal().unit()));
            }
            return;
        }
        if (decision == Decision.STABILIZE) {
            return; // a human decides with resume() or abort()
        }
        if (bad != null) {
            StringBuilder why = new StringBuilder();
            for (GateTracker t : bad) {
                if (why.length() > 0) {
                    why.append("; ");
                }
                why.append(t.explain(t.gate().signal().unit()));
            }
            if (pause) {
                changeDecision(Decision.PAUSE, why.toString());
            } else {
                long now = time.nanoTime();
                if (freshBad && !allSteer(bad) && now - lastBackOffNanos >= backOffSpacing(bad)) {
                    // a steering gate's yellow is answered by steering, which knows how far off it is. Otherwise
                    // halve, but at most once per hold window of the yellow gates: a cut shows in the signal only
                    // after the signal's own delay, and halving again before that overreacts (2,000 rows/s would
                    // fall to 15 rows/s within a second at four samples a second).
                    controller.backOff(recentRate(now));
                    applyRate();
                    lastBackOffNanos = now;
                }
                changeDecision(Decision.THROTTLE, why.toString());
            }
        } else {
            controller.recover(effectivePlanCap());
            applyRate();
            changeDecision(Decision.PROCEED, "every gate green");
        }
    }

    /** The shortest hold window among the gates that are not green: the spacing of multiplicative decreases. */
    private static long backOffSpacing(List<GateTracker> gates) {
        long spacing = Long.MAX_VALUE;
        for (GateTracker t : gates) {
            spacing = Math.min(spacing, t.gate().holdWindow().toNanos());
        }
        return spacing;
    }

    private static boolean allSteer(List<GateTracker> gates) {
        for (GateTracker t : gates) {
            if (!t.gate().hasTarget()) {
                return false;
            }
        }
        return true;
    }

    private void changeDecision(Decision to, String why) {
        Decision from = decision;
        if (from == to) {
            return;
        }
        decision = to;
        DecisionChange c = new DecisionChange(plan.name(), phase().name(), from, to, why, controller.size(),
                currentRateLimit(), time.wallTimeMillis());
        decisions.add(c);
        if (to == Decision.PROCEED) {
            log("decision", "migration={} phase={} decision={} previous={} batch_size={} rate_limit={} reason=\"{}\"",
                    plan.name(), phase().name(), to, from, controller.size(), Fmt.num(currentRateLimit()), why);
        } else {
            warn("decision", "migration={} phase={} decision={} previous={} batch_size={} rate_limit={} reason=\"{}\"",
                    plan.name(), phase().name(), to, from, controller.size(), Fmt.num(currentRateLimit()), why);
        }
        emit(l -> l.onDecision(c));
        if (!manualPause && state != RunState.AWAITING_APPROVAL) {
            setState(stateFor(to), why);
        }
    }

    private static RunState stateFor(Decision d) {
        switch (d) {
            case THROTTLE:
                return RunState.THROTTLED;
            case PAUSE:
                return RunState.PAUSED;
            case STABILIZE:
                return RunState.STABILIZING;
            case ABORT:
                return RunState.ABORTED;
            default:
                return RunState.RUNNING;
        }
    }

    /** A red condition: abort (with rollback) or, when rollback is impossible, stop and stabilize. */
    private void red(String why) {
        if (state.isTerminal()) {
            return;
        }
        if (plan.stopsAndStabilizesOnRed()) {
            changeDecision(Decision.STABILIZE, why + "; rollback is impossible: stopping and stabilizing");
            error("escalate", "migration={} phase={} escalation=\"{}\" owner=\"{}\" contact=\"{}\"", plan.name(),
                    phase().name(), why, plan.owner(), plan.escalation());
            emit(l -> l.onEscalation(why));
            return;
        }
        abortInternal(why);
    }

    private void abortInternal(String why) {
        if (state.isTerminal()) {
            return;
        }
        Decision from = decision;
        decision = Decision.ABORT;
        DecisionChange c = new DecisionChange(plan.name(), phase().name(), from, Decision.ABORT, why,
                controller.size(), currentRateLimit(), time.wallTimeMillis());
        decisions.add(c);
        if (closedEarly) {
            warn("decision", "migration={} phase={} decision=ABORT previous={} reason=\"{}\"", plan.name(),
                    phase().name(), from, why);
        } else {
            error("decision", "migration={} phase={} decision=ABORT previous={} reason=\"{}\"", plan.name(),
                    phase().name(), from, why);
        }
        emit(l -> l.onDecision(c));
        setState(RunState.ABORTED, why);
        markEnded();
    }

    // ------------------------------------------------------------------------------------------------ control

    /**
     * Pauses the run: no batch starts until {@link #resume()}. Batches in flight finish normally.
     *
     * @throws IllegalStateException if the run has ended
     */
    public void pause() {
        lock.lock();
        try {
            requireNotTerminal("pause");
            if (!manualPause) {
                manualPause = true;
                setState(RunState.PAUSED, "paused by operator");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Resumes after {@link #pause()}, or after a stop-and-stabilize once a human has decided it is safe to go on
     * (the gates are sampled again before the next batch, so a gate that is still red stops it again).
     *
     * @throws IllegalStateException if the run has ended
     */
    public void resume() {
        lock.lock();
        try {
            requireNotTerminal("resume");
            manualPause = false;
            if (decision == Decision.STABILIZE) {
                decision = Decision.PROCEED;
                log("resume", "migration={} phase={} resumed after stop-and-stabilize by operator", plan.name(),
                        phase().name());
            }
            if (state != RunState.AWAITING_APPROVAL) {
                setState(stateFor(decision), "resumed by operator");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Aborts the run: no further batch starts; batches in flight finish; then the plan's rollback hook runs (unless
     * rollback is impossible). Idempotent once ended.
     *
     * @param why the reason, recorded in the report
     * @throws NullPointerException if why is null
     */
    public void abort(String why) {
        Checks.notNull(why, "abort reason");
        lock.lock();
        try {
            abortInternal("aborted by operator: " + why);
        } finally {
            lock.unlock();
        }
        finishIfEnded();
    }

    /**
     * Reports a red condition found outside the plan's gates (an adapter's exhausted retry budget, a permanent
     * error): exactly like a red gate, the run aborts with this reason and rolls back — or, when rollback is
     * impossible, stops and stabilizes and escalates. Ignored once the run has ended.
     *
     * @param why what is red, with the values behind it; recorded as the run's reason
     * @throws NullPointerException if why is null
     */
    public void reportRed(String why) {
        Checks.notNull(why, "red reason");
        lock.lock();
        try {
            red(why);
        } finally {
            lock.unlock();
        }
        finishIfEnded();
    }

    /**
     * Approves promotion past a phase that requires approval. May be called before the phase ends.
     *
     * @throws IllegalStateException if the run has ended
     */
    public void approve() {
        lock.lock();
        try {
            requireNotTerminal("approve");
            approved = true;
            log("approve", "migration={} phase={} approved by operator", plan.name(), phase().name());
        } finally {
            lock.unlock();
        }
    }

    private void requireNotTerminal(String action) {
        if (state.isTerminal()) {
            throw new IllegalStateException("cannot " + action + " migration '" + plan.name() + "': run is " + state);
        }
    }

    /**
     * Evaluates go/no-go now: reads every gate of the current phase once (hold windows do not apply) and runs every
     * invariant. Does not change the gates' states.
     *
     * @return the verdict with its evidence
     */
    public Verdict goNoGo() {
        List<Verdict.GateReading> readings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        lock.lock();
        try {
            for (GateTracker t : phaseTrackers[phaseIndex]) {
                Gate g = t.gate();
                double v = readSignal(g.signal(), g);
                GateState level = t.level(v);
                String detail = t.valid(v) ? "value " + Fmt.num(v) + " " + g.signal().unit() : readDetail;
                readings.add(new Verdict.GateReading(g.name(), level, v, t.yellow(), t.red(), g.signal().unit(),
                        detail));
                if (level != GateState.GREEN) {
                    problems.add("gate '" + g.name() + "' is " + level + ": " + detail);
                }
            }
        } finally {
            lock.unlock();
        }
        List<InvariantState> checks = allInvariants();
        List<InvariantOutcome> outcomes = runInvariants(checks, "go-no-go");
        lock.lock();
        try {
            recordInvariants(checks, outcomes);
        } finally {
            lock.unlock();
        }
        for (InvariantOutcome o : outcomes) {
            if (!o.result().passed()) {
                problems.add("invariant '" + o.invariant() + "' failed: " + o.result().message());
            }
        }
        boolean go = problems.isEmpty();
        Verdict v = new Verdict(go, go ? "GO: every gate green, every invariant passed"
                : "NO-GO: " + String.join("; ", problems), readings, outcomes, time.wallTimeMillis());
        log("go-no-go", "migration={} verdict=\"{}\"", plan.name(), v.summary());
        return v;
    }

    // ------------------------------------------------------------------------------------------------ batches

    private void completeBatch(BatchImpl b, long n, Object newCursor, boolean last) {
        if (n < 0) { // the message is built only when needed: this is the per-batch hot path
            Checks.notNegative(n, "rows of batch " + b.sequence);
        }
        List<InvariantState> due = null;
        lock.lock();
        try {
            if (b.finished) {
                throw new IllegalStateException("batch " + b.sequence + " of migration '" + plan.name()
                        + "' is already finished");
            }
            b.finished = true;
            long now = time.nanoTime();
            long dur = Math.max(0, now - b.startNanos);
            inflight--;
            reservedRows -= b.size;
            rows += n;
            batches++;
            consecutiveFailures = 0;
            if (newCursor != null) {
                cursor = newCursor;
            }
            if (last) {
                sourceExhausted = true;
            }
            recent.record(now, rows);
            controller.progress(now, rows);
            pushOutcome(false);
            latencyEwma = latencyEwma == 0 ? dur / 1e9 : 0.8 * latencyEwma + 0.2 * (dur / 1e9);
            if (controller.onBatch(n, dur, decision == Decision.PROCEED, now, inflight + 1)) {
                applyRate();
            }
            metrics.batch(b.phaseIndex, n, dur);
            for (InvariantState inv : invariants) {
                Cadence c = inv.spec.cadence();
                boolean isDue = (c.rows() > 0 && rows - inv.lastRows >= c.rows())
                        || (c.batches() > 0 && batches - inv.lastBatches >= c.batches());
                if (isDue) {
                    if (due == null) {
                        due = new ArrayList<>(2);
                    }
                    due.add(inv);
                }
            }
            if (!listeners.isEmpty()) {
                BatchEvent e = new BatchEvent(plan.name(), b.phaseName, b.sequence, b.size, n, dur, newCursor, null);
                emit(l -> l.onBatchEnd(e));
            }
            maybeLogProgress(now);
        } finally {
            lock.unlock();
        }
        if (due != null) {
            List<InvariantOutcome> outcomes = runInvariants(due, "cadence");
            lock.lock();
            try {
                String failure = recordInvariants(due, outcomes);
                if (failure != null) {
                    red(failure);
                }
            } finally {
                lock.unlock();
            }
        }
        finishIfEnded();
    }

    private void failBatch(BatchImpl b, Throwable error) {
        Checks.notNull(error, "error of batch " + b.sequence);
        lock.lock();
        try {
            if (b.finished) {
                throw new IllegalStateException("batch " + b.sequence + " of migration '" + plan.name()
                        + "' is already finished");
            }
            b.finished = true;
            long now = time.nanoTime();
            long dur = Math.max(0, now - b.startNanos);
            inflight--;
            reservedRows -= b.size;
            failedBatches++;
            consecutiveFailures++;
            pushOutcome(true);
            metrics.failedBatch(b.phaseIndex, dur);
            warn("batch", "migration={} phase={} batch={} size={} start_cursor={} outcome=failure error=\"{}\""
                    + " consecutive_failures={}", plan.name(), b.phaseName, b.sequence, b.size, b.startCursor,
                    error.toString(), consecutiveFailures);
            if (!listeners.isEmpty()) {
                BatchEvent e = new BatchEvent(plan.name(), b.phaseName, b.sequence, b.size, 0, dur, null, error);
                emit(l -> l.onBatchEnd(e));
            }
            if (consecutiveFailures >= plan.maxConsecutiveFailures()) {
                red(consecutiveFailures + " consecutive batches failed (limit " + plan.maxConsecutiveFailures()
                        + "); last error: " + error);
            }
        } finally {
            lock.unlock();
        }
        finishIfEnded();
    }

    private void pushOutcome(boolean failed) {
        if (errorCount == ERROR_WINDOW) {
            if (errorWindow[errorPos]) {
                errorFailures--;
            }
        } else {
            errorCount++;
        }
        errorWindow[errorPos] = failed;
        if (failed) {
            errorFailures++;
        }
        errorPos = (errorPos + 1) % ERROR_WINDOW;
    }

    // ------------------------------------------------------------------------------------------------ invariants

    private List<InvariantOutcome> runInvariants(List<InvariantState> checks, String why) {
        List<InvariantOutcome> out = new ArrayList<>(checks.size());
        for (InvariantState inv : checks) {
            InvariantContext ctx;
            String phaseName;
            lock.lock();
            try {
                phaseName = phase().name();
                ctx = new InvariantContext(plan.name(), phaseName, rows, inv.fromCursor, cursor, why);
                inv.lastRows = rows;
                inv.lastBatches = batches;
                inv.pendingCursor = cursor;
            } finally {
                lock.unlock();
            }
            long t0 = time.nanoTime();
            InvariantResult r;
            try {
                r = inv.spec.check().check(ctx);
                if (r == null) {
                    r = InvariantResult.fail(0, "check returned no result");
                }
            } catch (Exception | AssertionError e) {
                r = InvariantResult.fail(0, "check threw " + e);
            }
            out.add(new InvariantOutcome(plan.name(), phaseName, inv.spec.name(), r, why, time.nanoTime() - t0,
                    time.wallTimeMillis()));
        }
        return out;
    }

    /** Records outcomes under the lock; returns the first failure's reason, or null. */
    private String recordInvariants(List<InvariantState> checks, List<InvariantOutcome> outcomes) {
        String failure = null;
        for (int i = 0; i < checks.size(); i++) {
            InvariantState inv = checks.get(i);
            InvariantOutcome o = outcomes.get(i);
            InvariantResult r = o.result();
            inv.checks++;
            inv.rowsSampled += r.rowsSampled();
            inv.lastMessage = r.message();
            inv.lastOutcome = o;
            inv.fromCursor = inv.pendingCursor;
            metrics.invariant(inv.spec.name(), r.passed(), r.rowsSampled());
            if (r.passed()) {
                log("invariant", "migration={} phase={} invariant={} outcome=pass reason={} rows_sampled={}"
                        + " message=\"{}\"", plan.name(), o.phase(), inv.spec.name(), o.reason(), r.rowsSampled(),
                        r.message());
            } else {
                inv.failures++;
                inv.failureMessages.add(r.message());
                error("invariant", "migration={} phase={} invariant={} outcome=fail reason={} rows_sampled={}"
                        + " message=\"{}\"", plan.name(), o.phase(), inv.spec.name(), o.reason(), r.rowsSampled(),
                        r.message());
                if (failure == null) {
                    failure = "invariant '" + inv.spec.name() + "' failed: " + r.message();
                }
            }
            emit(l -> l.onInvariant(o));
        }
        return failure;
    }

    // ------------------------------------------------------------------------------------------------ ending

    private void markEnded() {
        endNanos = time.nanoTime();
        endWallMillis = time.wallTimeMillis();
    }

    /** Once ended with nothing in flight: the rollback hook (for aborts) and the finish event, exactly once. */
    private void finishIfEnded() {
        RollbackAction rollback = null;
        String why;
        lock.lock();
        try {
            if (!state.isTerminal() || finishNotified || (inflight > 0 && !closedEarly)) {
                return;
            }
            why = reason;
            if (state == RunState.ABORTED && !rollbackStarted && !closedEarly && plan.rollbackAction() != null) {
                rollbackStarted = true;
                rollback = plan.rollbackAction();
            }
        } finally {
            lock.unlock();
        }
        if (rollback != null) {
            try {
                rollback.rollback(why);
                lock.lock();
                try {
                    rolledBack = true;
                    log("rollback", "migration={} outcome=done reason=\"{}\"", plan.name(), why);
                } finally {
                    lock.unlock();
                }
            } catch (Exception e) {
                lock.lock();
                try {
                    rollbackError = e.toString();
                    error("rollback", "migration={} outcome=failed error=\"{}\"", plan.name(), e.toString());
                } finally {
                    lock.unlock();
                }
            }
        }
        lock.lock();
        try {
            if (finishNotified) {
                return;
            }
            finishNotified = true;
            RunReport r = reportLocked();
            log("finish", "migration={} outcome={} rows={} batches={} failed_batches={} elapsed={} throttled={}"
                    + " paused={} rate={} reason=\"{}\"", plan.name(), r.state(), r.rowsProcessed(), r.batches(),
                    r.failedBatches(), Fmt.seconds(r.elapsed().toMillis() / 1e3),
                    Fmt.seconds(r.throttled().toMillis() / 1e3), Fmt.seconds(r.paused().toMillis() / 1e3),
                    Fmt.num(Math.round(r.effectiveRowsPerSecond())), r.reason());
            emit(l -> l.onFinish(r));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the run. A run that has not ended is marked ABORTED with reason "closed before completion" — without
     * calling the rollback hook (the loop left early, most likely on an exception the caller handles). Stops the
     * signal reader threads. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!state.isTerminal()) {
                closedEarly = true;
                abortInternal("closed before completion");
            }
            closedEarly = closedEarly || inflight > 0;
        } finally {
            lock.unlock();
        }
        pending.remove();
        finishIfEnded();
        lock.lock();
        try {
            if (signalExecutor != null) {
                signalExecutor.shutdownNow();
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    private Phase phase() {
        return phases.get(phaseIndex);
    }

    private void setState(RunState to, String why) {
        RunState from = state;
        if (from == to) {
            return;
        }
        setStateQuiet(to);
        if (to.isTerminal()) {
            reason = to == RunState.COMPLETED ? null : why;
        }
        StateChange c = new StateChange(plan.name(), phase().name(), from, to, why, time.wallTimeMillis());
        log("state", "migration={} phase={} state={} previous={} reason=\"{}\"", plan.name(), phase().name(), to, from,
                why);
        emit(l -> l.onStateChange(c));
    }

    private void setStateQuiet(RunState to) {
        long now = time.nanoTime();
        long spent = now - stateSinceNanos;
        if (state == RunState.THROTTLED) {
            throttledNanos += spent;
        } else if (state == RunState.PAUSED || state == RunState.AWAITING_APPROVAL
                || state == RunState.STABILIZING) {
            pausedNanos += spent;
        }
        stateSinceNanos = now;
        state = to;
    }

    private double effectivePlanCap() {
        double cap = plan.maxRowsPerSecond();
        double p = phase().maxRowsPerSecond();
        if (p > 0) {
            cap = cap > 0 ? Math.min(cap, p) : p;
        }
        return cap;
    }

    private double currentRateLimit() {
        double cap = effectivePlanCap();
        double c = controller.rateCap();
        if (c > 0) {
            cap = cap > 0 ? Math.min(cap, c) : c;
        }
        return cap;
    }

    private void applyRate() {
        double limit = currentRateLimit();
        if (limit <= 0) {
            governor = null;
        } else if (governor == null) {
            governor = new RateGovernor(plan.name(), time, limit);
        } else {
            governor.changeRate(limit);
        }
    }

    private long nowOrEnd() {
        return state.isTerminal() && endNanos != 0 ? endNanos : time.nanoTime();
    }

    private double elapsedSeconds() {
        return startNanos == 0 && state == RunState.PREFLIGHT ? 0 : (nowOrEnd() - startNanos) / 1e9;
    }

    private double throttledSeconds() {
        long extra = state == RunState.THROTTLED ? nowOrEnd() - stateSinceNanos : 0;
        return (throttledNanos + Math.max(0, extra)) / 1e9;
    }

    private double pausedSeconds() {
        boolean paused = state == RunState.PAUSED || state == RunState.AWAITING_APPROVAL
                || state == RunState.STABILIZING;
        long extra = paused ? nowOrEnd() - stateSinceNanos : 0;
        return (pausedNanos + Math.max(0, extra)) / 1e9;
    }

    private double rawFraction() {
        double f = Double.NaN;
        if (plan.progressFunction() != null && cursor != null) {
            try {
                f = plan.progressFunction().applyAsDouble(cursor);
            } catch (RuntimeException e) {
                f = Double.NaN;
            }
        }
        if (Double.isNaN(f) && plan.totalRows() > 0) {
            f = (double) rows / plan.totalRows();
        }
        if (Double.isNaN(f)) {
            return f;
        }
        return Math.max(0, Math.min(1, f));
    }

    private double fraction() {
        if (state == RunState.COMPLETED) {
            return 1;
        }
        double f = rawFraction();
        boolean exact = plan.progressFunction() == null && plan.totalRows() > 0 && !plan.totalIsEstimate();
        if (!exact && !Double.isNaN(f)) {
            f = Math.min(f, 0.999);
        }
        return f;
    }

    private double recentRate(long now) {
        return recent.rate(nowOrEndFor(now), rows);
    }

    private long nowOrEndFor(long now) {
        return state.isTerminal() && endNanos != 0 ? endNanos : now;
    }

    private double[] eta() {
        double f = fraction();
        double done = f - startFraction;
        if (Double.isNaN(f) || done <= 0 || state.isTerminal()) {
            return new double[] {state == RunState.COMPLETED ? 0 : Double.NaN,
                state == RunState.COMPLETED ? 0 : Double.NaN};
        }
        double elapsed = elapsedSeconds();
        double active = Math.max(0, elapsed - pausedSeconds() - rateWaitNanos / 1e9);
        return new double[] {elapsed * (1 - f) / done, active * (1 - f) / done};
    }

    /**
     * Where the run is now.
     *
     * @return a snapshot
     */
    public ProgressSnapshot progress() {
        lock.lock();
        try {
            return snapshotLocked();
        } finally {
            lock.unlock();
        }
    }

    private ProgressSnapshot snapshotLocked() {
        long now = time.nanoTime();
        double elapsed = elapsedSeconds();
        long runRows = rows - resumedRows;
        double active = Math.max(0, elapsed - pausedSeconds() - rateWaitNanos / 1e9);
        double[] eta = eta();
        Map<String, GateState> gates = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        for (GateTracker t : phaseTrackers[phaseIndex]) {
            gates.put(t.gate().name(), t.state());
            values.put(t.gate().name(), t.lastValue());
        }
        return new ProgressSnapshot(plan.name(), phase().name(), state, decision, rows, batches, failedBatches,
                fraction(), recentRate(now), elapsed > 0 ? runRows / elapsed : 0, active > 0 ? runRows / active : 0,
                eta[0], eta[1], replicaLag, backlog, controller.next(phase().maxBatchSize()), currentRateLimit(),
                elapsed, throttledSeconds(), pausedSeconds(), gates, values);
    }

    /**
     * The run's report so far; final once the state is terminal.
     *
     * @return the report
     */
    public RunReport report() {
        lock.lock();
        try {
            return reportLocked();
        } finally {
            lock.unlock();
        }
    }

    private RunReport reportLocked() {
        List<RunReport.InvariantSummary> inv = new ArrayList<>();
        for (InvariantState i : invariants) {
            inv.add(new RunReport.InvariantSummary(i.spec.name(), i.checks, i.failures, i.rowsSampled,
                    i.lastMessage, i.failureMessages));
        }
        double elapsed = elapsedSeconds();
        return new RunReport(plan.name(), state, reason, startWallMillis, endWallMillis, rows, resumedRows, batches,
                failedBatches, Duration.ofNanos((long) (elapsed * 1e9)),
                Duration.ofNanos((long) (throttledSeconds() * 1e9)), Duration.ofNanos((long) (pausedSeconds() * 1e9)),
                elapsed > 0 ? (rows - resumedRows) / elapsed : 0, controller.size(), phasesCompleted, baselines,
                gateChanges, decisions, phaseChanges, inv, rolledBack, rollbackError, verdict);
    }

    /** @return the run's state now */
    public RunState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** @return the name of the phase the run is in */
    public String currentPhase() {
        lock.lock();
        try {
            return phase().name();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The batch size the controller would hand out now (for frameworks that size their chunks ahead, such as a
     * Spring Batch completion policy).
     *
     * @return rows
     */
    public int currentBatchSize() {
        lock.lock();
        try {
            return controller.next(phase().maxBatchSize());
        } finally {
            lock.unlock();
        }
    }

    /** @return the last committed cursor, or null */
    public Object cursor() {
        lock.lock();
        try {
            return cursor;
        } finally {
            lock.unlock();
        }
    }

    /** @return the plan this run executes */
    public MigrationPlan plan() {
        return plan;
    }

    /**
     * The registry this run's meters are in (the one given to {@link Builder#meterRegistry(MeterRegistry)}, or the
     * run's private {@code SimpleMeterRegistry}). Adapters register their own meters there, named under
     * {@code migobs.} and tagged {@code migration}, so that one registry holds everything about the run: migobs-jdbc
     * counts its retries as {@code migobs.jdbc.retries}.
     *
     * <p>Thread-safe.
     *
     * @return the registry, never null
     */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /**
     * The time source this run waits on, so that code driving the loop (retry backoff in an adapter) sleeps on
     * the same clock as the run: a manual clock in tests.
     *
     * @return the run's time source (thread-safe)
     */
    public TimeSource timeSource() {
        return time;
    }

    /**
     * Registers a listener after start (the builder is the usual place).
     *
     * @param listener the listener
     */
    public void addListener(MigrationListener listener) {
        listeners.add(Checks.notNull(listener, "listener"));
        try {
            listener.onAttach(this);
        } catch (RuntimeException e) {
            LOG.warn("listener {} threw on a migobs event; ignored", listener.getClass().getName(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ logging

    private void maybeLogProgress(long now) {
        if (now - lastProgressLogNanos < plan.progressLogInterval().toNanos()) {
            return;
        }
        lastProgressLogNanos = now;
        ProgressSnapshot s = snapshotLocked();
        if (LOG.isInfoEnabled()) {
            StringBuilder gates = new StringBuilder();
            s.gates().forEach((k, v) -> gates.append(gates.length() == 0 ? "" : ",").append(k).append(':').append(v));
            log("progress", "migration={} phase={} state={} rows={} total={} percent={} rate={} effective_rate={}"
                    + " eta={} lag={} backlog={} batch_size={} rate_limit={} throttled={} paused={} gates={}",
                    plan.name(), s.phase(), s.state(), s.rowsProcessed(), plan.totalRows(),
                    Double.isNaN(s.fraction()) ? "?" : String.format(Locale.ROOT, "%.1f", s.fraction() * 100),
                    Fmt.num(Math.round(s.recentRowsPerSecond())), Fmt.num(Math.round(s.effectiveRowsPerSecond())),
                    Fmt.seconds(s.etaSeconds()), Fmt.num(s.replicaLagSeconds()), Fmt.num(s.backlog()), s.batchSize(),
                    Fmt.num(s.rateLimit()), Fmt.seconds(s.throttledSeconds()), Fmt.seconds(s.pausedSeconds()), gates);
        }
        emit(l -> l.onProgress(s));
    }

    private void log(String event, String format, Object... args) {
        if (LOG.isInfoEnabled()) {
            withMdc(event, () -> LOG.info(event + " " + format, args));
        }
    }

    private void warn(String event, String format, Object... args) {
        withMdc(event, () -> LOG.warn(event + " " + format, args));
    }

    private void error(String event, String format, Object... args) {
        withMdc(event, () -> LOG.error(event + " " + format, args));
    }

    private void withMdc(String event, Runnable r) {
        String m = MDC.get("migration");
        String p = MDC.get("phase");
        MDC.put("migration", plan.name());
        MDC.put("phase", phase().name());
        try {
            r.run();
        } finally {
            restore("migration", m);
            restore("phase", p);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private void emit(Consumer<MigrationListener> event) {
        for (MigrationListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                // warn once per listener, then keep the noise at debug
                if (brokenListeners.add(l)) {
                    LOG.warn("listener {} threw on a migobs event; ignored (further failures are logged at debug)",
                            l.getClass().getName(), e);
                } else {
                    LOG.debug("listener {} threw on a migobs event; ignored", l.getClass().getName(), e);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ types

    private final class BatchImpl implements Batch {
        private final long sequence;
        private final int size;
        private final int phaseIndex;
        private final String phaseName;
        private final Object startCursor;
        private long startNanos;
        private boolean finished;

        BatchImpl(long sequence, int size, int phaseIndex, String phaseName, Object startCursor) {
            this.sequence = sequence;
            this.size = size;
            this.phaseIndex = phaseIndex;
            this.phaseName = phaseName;
            this.startCursor = startCursor;
        }

        @Override
        public long sequence() {
            return sequence;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public String phase() {
            return phaseName;
        }

        @Override
        public Object startCursor() {
            return startCursor;
        }

        @Override
        public void complete(long rowCount) {
            completeBatch(this, rowCount, null, false);
        }

        @Override
        public void complete(long rowCount, Object newCursor) {
            completeBatch(this, rowCount, newCursor, false);
        }

        @Override
        public void completeLast(long rowCount, Object newCursor) {
            completeBatch(this, rowCount, newCursor, true);
        }

        @Override
        public void fail(Throwable error) {
            failBatch(this, error);
        }

        @Override
        public boolean isFinished() {
            lock.lock();
            try {
                return finished;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String toString() {
            return "Batch[" + sequence + " size=" + size + " phase=" + phaseName + "]";
        }
    }

    private static final class InvariantState {
        final MigrationPlan.InvariantSpec spec;
        long lastRows;
        long lastBatches;
        Object fromCursor;
        Object pendingCursor;
        long checks;
        long failures;
        long rowsSampled;
        String lastMessage = "not run";
        InvariantOutcome lastOutcome;
        final List<String> failureMessages = new ArrayList<>();

        InvariantState(MigrationPlan.InvariantSpec spec) {
            this.spec = spec;
        }
    }

    private final class MetricsSource implements RunMetrics.Source {
        private <T> T locked(java.util.function.Supplier<T> s) {
            lock.lock();
            try {
                return s.get();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public double batchSize() {
            return locked(() -> (double) controller.next(phase().maxBatchSize()));
        }

        @Override
        public double rateLimit() {
            return locked(MigrationRun.this::currentRateLimit);
        }

        @Override
        public double recentRate() {
            return locked(() -> MigrationRun.this.recentRate(time.nanoTime()));
        }

        @Override
        public double effectiveRate() {
            return locked(() -> {
                double e = elapsedSeconds();
                return e > 0 ? (rows - resumedRows) / e : 0.0;
            });
        }

        @Override
        public double fraction() {
            return locked(MigrationRun.this::fraction);
        }

        @Override
        public double eta() {
            return locked(() -> MigrationRun.this.eta()[0]);
        }

        @Override
        public double etaActive() {
            return locked(() -> MigrationRun.this.eta()[1]);
        }

        @Override
        public double replicaLag() {
            return locked(() -> replicaLag);
        }

        @Override
        public double backlog() {
            return locked(() -> backlog);
        }

        @Override
        public double throttledSeconds() {
            return locked(MigrationRun.this::throttledSeconds);
        }

        @Override
        public double pausedSeconds() {
            return locked(MigrationRun.this::pausedSeconds);
        }

        @Override
        public double runState() {
            return locked(() -> (double) state.code());
        }

        @Override
        public double startTimeSeconds() {
            return locked(() -> startWallMillis / 1000.0);
        }

        @Override
        public double phaseIndex() {
            return locked(() -> (double) phaseIndex);
        }
    }

    /**
     * Configures and starts a {@link MigrationRun}. Not thread-safe.
     */
    public static final class Builder {
        private final MigrationPlan plan;
        private MeterRegistry registry;
        private TimeSource time = TimeSource.system();
        private final List<MigrationListener> listeners = new ArrayList<>();
        private String stopAfterPhase;
        private long resumeRows;
        private Object resumeCursor;

        private Builder(MigrationPlan plan) {
            this.plan = Checks.notNull(plan, "plan");
        }

        /**
         * Where the meters go.
         *
         * @param registry default: a private {@link SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Checks.notNull(registry, "meterRegistry");
            return this;
        }

        /**
         * The time source for everything: durations, timestamps, waits, the rate limiter.
         *
         * @param time default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder timeSource(TimeSource time) {
            this.time = Checks.notNull(time, "timeSource");
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(MigrationListener listener) {
            listeners.add(Checks.notNull(listener, "listener"));
            return this;
        }

        /**
         * A library-driven canary: stop (state STOPPED, with a {@link Verdict} in the report) when this phase is
         * done instead of promoting.
         *
         * @param phaseName one of the plan's phases
         * @return this builder
         * @throws IllegalArgumentException if the plan has no such phase
         */
        public Builder stopAfterPhase(String phaseName) {
            Checks.notNull(phaseName, "stopAfterPhase");
            if (plan.phases().stream().noneMatch(p -> p.name().equals(phaseName))) {
                throw new IllegalArgumentException("stopAfterPhase '" + phaseName + "' is not a phase of plan '"
                        + plan.name() + "'");
            }
            this.stopAfterPhase = phaseName;
            return this;
        }

        /**
         * Resumes from a checkpoint: these rows are already done, and the loop continues after this cursor. The
         * phase is derived from the rows (phases whose quota is done are skipped).
         *
         * @param rowsDone rows already done, at least 0
         * @param cursor the last committed cursor, or null
         * @return this builder
         * @throws IllegalArgumentException if rowsDone is negative or beyond an exact total
         */
        public Builder resumeFrom(long rowsDone, Object cursor) {
            Checks.notNegative(rowsDone, "resume rows");
            if (plan.totalRows() > 0 && !plan.totalIsEstimate() && rowsDone > plan.totalRows()) {
                throw new IllegalArgumentException("resume rows " + rowsDone + " exceed totalRows "
                        + plan.totalRows());
            }
            this.resumeRows = rowsDone;
            this.resumeCursor = cursor;
            return this;
        }

        /**
         * Starts the run: registers meters, measures baselines if a gate needs them (waiting on the time source for
         * the plan's baseline window), and returns it ready for the first batch.
         *
         * @return the started run
         * @throws MigrationException if a relative gate's baseline could not be measured
         */
        public MigrationRun start() {
            if (registry == null) {
                registry = new SimpleMeterRegistry();
            }
            MigrationRun run = new MigrationRun(this);
            run.emit(l -> l.onAttach(run));
            try {
                run.begin();
            } catch (RuntimeException e) {
                run.close();
                throw e;
            }
            return run;
        }
    }
}
