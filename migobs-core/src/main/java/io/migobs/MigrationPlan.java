package io.migobs;

import io.migobs.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The declaration of a live migration: what it is (type, blast radius, rollback complexity), how big it is, how
 * fast it may go, its phases, its safety gates and its invariants. The same plan drives the run and renders the
 * runbook, dashboard and alert rules, so the documents cannot drift from what the code enforces.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String)}; {@link Builder#build()} validates everything
 * and fails fast with a message naming the field and the value.
 */
public final class MigrationPlan {

    /** Default initial batch size: 500 rows. */
    public static final int DEFAULT_INITIAL_BATCH_SIZE = 500;
    /** Default minimum batch size: 10 rows. */
    public static final int DEFAULT_MIN_BATCH_SIZE = 10;
    /** Default maximum batch size: 10,000 rows. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 10_000;
    /** Default target duration of one batch: 500 ms. */
    public static final Duration DEFAULT_TARGET_BATCH_TIME = Duration.ofMillis(500);
    /** Default pre-flight baseline window: 30 s (used when a gate is relative to a baseline). */
    public static final Duration DEFAULT_BASELINE_WINDOW = Duration.ofSeconds(30);
    /** Default number of consecutive failed batches that aborts the run: 10. */
    public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;
    /** Default interval of the progress log line: 10 s. */
    public static final Duration DEFAULT_PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);

    /** A registered invariant with its cadence. */
    public record InvariantSpec(String name, Cadence cadence, Invariant check, String description) {
    }

    private final String name;
    private final String summary;
    private final MigrationType type;
    private final BlastRadius blastRadius;
    private final RollbackComplexity rollback;
    private final String owner;
    private final String escalation;
    private final long totalRows;
    private final boolean totalIsEstimate;
    private final ToDoubleFunction<Object> progressFunction;
    private final KeyRange keyRange;
    private final String progressDescription;
    private final LongSupplier sourceHead;
    private final Signal replicaLag;
    private final int initialBatchSize;
    private final int minBatchSize;
    private final int maxBatchSize;
    private final Duration targetBatchTime;
    private final double maxRowsPerSecond;
    private final List<Phase> phases;
    private final List<Gate> gates;
    private final List<InvariantSpec> invariants;
    private final Duration baselineWindow;
    private final Duration maintenanceWindow;
    private final double errorBudget;
    private final int maxConsecutiveFailures;
    private final Duration progressLogInterval;
    private final RollbackAction rollbackAction;
    private final String rollbackSteps;
    private final Map<String, String> notes;

    private MigrationPlan(Builder b, List<Phase> phases) {
        this.name = b.name;
        this.summary = b.summary;
        this.type = b.type;
        this.blastRadius = b.blastRadius;
        this.rollback = b.rollback;
        this.owner = b.owner;
        this.escalation = b.escalation;
        this.totalRows = b.totalRows;
        this.totalIsEstimate = b.totalIsEstimate;
        this.progressFunction = b.progressFunction;
        this.keyRange = b.keyRange;
        this.progressDescription = b.progressDescription;
        this.sourceHead = b.sourceHead;
        this.replicaLag = b.replicaLag;
        this.initialBatchSize = b.initialBatchSize;
        this.minBatchSize = b.minBatchSize;
        this.maxBatchSize = b.maxBatchSize;
        this.targetBatchTime = b.targetBatchTime;
        this.maxRowsPerSecond = b.maxRowsPerSecond;
        this.phases = List.copyOf(phases);
        this.gates = List.copyOf(b.gates);
        this.invariants = List.copyOf(b.invariants);
        this.baselineWindow = b.baselineWindow;
        this.maintenanceWindow = b.maintenanceWindow;
        this.errorBudget = b.errorBudget;
        this.maxConsecutiveFailures = b.maxConsecutiveFailures;
        this.progressLogInterval = b.progressLogInterval;
        this.rollbackAction = b.rollbackAction;
        this.rollbackSteps = b.rollbackSteps;
        this.notes = Map.copyOf(b.notes);
    }

    /**
     * Starts a plan.
     *
     * @param name the migration's name: letters, digits, '.', '_', '-' ({@code 2026-11-customer-email-backfill}); a
     *        metric tag, the checkpoint key and the file name of the generated documents
     * @return a new builder
     * @throws NullPointerException if name is null
     * @throws IllegalArgumentException if name is blank or has other characters
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the migration's name */
    public String name() {
        return name;
    }

    /** @return what changes and why; may be empty */
    public String summary() {
        return summary;
    }

    /** @return the migration type (default {@link MigrationType#BACKFILL}) */
    public MigrationType type() {
        return type;
    }

    /** @return the blast radius (default {@link BlastRadius#MEDIUM}) */
    public BlastRadius blastRadius() {
        return blastRadius;
    }

    /** @return the rollback complexity (default {@link RollbackComplexity#MODERATE}) */
    public RollbackComplexity rollback() {
        return rollback;
    }

    /** @return whether a red gate stops and stabilizes instead of aborting (rollback impossible) */
    public boolean stopsAndStabilizesOnRed() {
        return rollback == RollbackComplexity.IMPOSSIBLE;
    }

    /** @return who owns the migration (team or person); may be empty */
    public String owner() {
        return owner;
    }

    /** @return who is paged or escalated to; may be empty */
    public String escalation() {
        return escalation;
    }

    /** @return the total rows (exact or estimate), or 0 when unknown */
    public long totalRows() {
        return totalRows;
    }

    /** @return whether {@link #totalRows()} is an estimate (progress is then never reported above 99.9% until done) */
    public boolean totalIsEstimate() {
        return totalIsEstimate;
    }

    /** @return the function from cursor to fraction done, or null */
    public ToDoubleFunction<Object> progressFunction() {
        return progressFunction;
    }

    /**
     * The numeric key range progress is measured over, when it was declared with
     * {@link Builder#keyRange(long, long)} (not with {@link Builder#progressFromCursor}).
     *
     * @return the range, or empty
     */
    public java.util.Optional<KeyRange> keyRange() {
        return java.util.Optional.ofNullable(keyRange);
    }

    /**
     * A numeric key range: progress is {@code (cursor - min) / (max - min)}.
     *
     * @param min the first key (exclusive lower bound of the remaining work)
     * @param max the last key, above {@code min}
     */
    public record KeyRange(long min, long max) {
    }

    /** @return how progress is measured, for the documents */
    public String progressDescription() {
        return progressDescription;
    }

    /** @return the supplier of the source's head key for backlog lag, or null */
    public LongSupplier sourceHead() {
        return sourceHead;
    }

    /** @return the replica lag signal exported as {@code migobs.lag{kind=replica}}, or null */
    public Signal replicaLag() {
        return replicaLag;
    }

    /** @return the first batch size, in rows (default 500) */
    public int initialBatchSize() {
        return initialBatchSize;
    }

    /** @return the smallest batch size, in rows (default 10) */
    public int minBatchSize() {
        return minBatchSize;
    }

    /** @return the largest batch size, in rows (default 10,000) */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return the batch duration the controller aims for (default 500 ms) */
    public Duration targetBatchTime() {
        return targetBatchTime;
    }

    /** @return the cap on rows per second, or 0 for none (default) */
    public double maxRowsPerSecond() {
        return maxRowsPerSecond;
    }

    /** @return the phases in order; a plan declared without phases has one open-ended phase named {@code full} */
    public List<Phase> phases() {
        return phases;
    }

    /** @return the gates that apply in every phase */
    public List<Gate> gates() {
        return gates;
    }

    /**
     * The gates that apply during a phase: the plan's gates, then the phase's own.
     *
     * @param phase one of this plan's phases
     * @return the gates
     */
    public List<Gate> gatesOf(Phase phase) {
        if (phase.gates().isEmpty()) {
            return gates;
        }
        List<Gate> all = new ArrayList<>(gates);
        all.addAll(phase.gates());
        return List.copyOf(all);
    }

    /** @return every distinct gate of the plan and its phases, plan gates first */
    public List<Gate> allGates() {
        List<Gate> all = new ArrayList<>(gates);
        for (Phase p : phases) {
            all.addAll(p.gates());
        }
        return List.copyOf(all);
    }

    /** @return the invariants in registration order */
    public List<InvariantSpec> invariants() {
        return invariants;
    }

    /** @return the pre-flight window over which baselines are measured (default 30 s) */
    public Duration baselineWindow() {
        return baselineWindow;
    }

    /** @return whether the run measures baselines before the first batch: some gate is relative */
    public boolean needsBaseline() {
        return allGates().stream().anyMatch(Gate::isRelative);
    }

    /** @return the maintenance window the run must fit in, or null when none */
    public Duration maintenanceWindow() {
        return maintenanceWindow;
    }

    /** @return the allowed fraction of failed batches, or 0 when not stated */
    public double errorBudget() {
        return errorBudget;
    }

    /** @return consecutive failed batches that abort the run (default 10) */
    public int maxConsecutiveFailures() {
        return maxConsecutiveFailures;
    }

    /** @return interval of the progress log line (default 10 s) */
    public Duration progressLogInterval() {
        return progressLogInterval;
    }

    /** @return the rollback hook, or null */
    public RollbackAction rollbackAction() {
        return rollbackAction;
    }

    /** @return the rollback steps for the runbook, in words; may be empty */
    public String rollbackSteps() {
        return rollbackSteps;
    }

    /** @return free-form notes for the documents (e.g. "correctness", "telemetry"), in insertion order */
    public Map<String, String> notes() {
        return notes;
    }

    @Override
    public String toString() {
        return "MigrationPlan[" + name + " " + type + " phases=" + phases.size() + " gates=" + allGates().size()
                + " invariants=" + invariants.size() + "]";
    }

    /**
     * Builds a {@link MigrationPlan}. Not thread-safe. Every setter rejects bad values at once; {@link #build()}
     * checks the rules between fields.
     */
    public static final class Builder {
        private final String name;
        private String summary = "";
        private MigrationType type = MigrationType.BACKFILL;
        private BlastRadius blastRadius = BlastRadius.MEDIUM;
        private RollbackComplexity rollback = RollbackComplexity.MODERATE;
        private String owner = "";
        private String escalation = "";
        private long totalRows;
        private boolean totalIsEstimate;
        private ToDoubleFunction<Object> progressFunction;
        private KeyRange keyRange;
        private String progressDescription = "rows processed / total rows";
        private LongSupplier sourceHead;
        private Signal replicaLag;
        private int initialBatchSize = DEFAULT_INITIAL_BATCH_SIZE;
        private int minBatchSize = DEFAULT_MIN_BATCH_SIZE;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private Duration targetBatchTime = DEFAULT_TARGET_BATCH_TIME;
        private double maxRowsPerSecond;
        private final List<Phase> phases = new ArrayList<>();
        private final List<Gate> gates = new ArrayList<>();
        private final List<InvariantSpec> invariants = new ArrayList<>();
        private Duration baselineWindow = DEFAULT_BASELINE_WINDOW;
        private Duration maintenanceWindow;
        private double errorBudget;
        private int maxConsecutiveFailures = DEFAULT_MAX_CONSECUTIVE_FAILURES;
        private Duration progressLogInterval = DEFAULT_PROGRESS_LOG_INTERVAL;
        private RollbackAction rollbackAction;
        private String rollbackSteps = "";
        private final Map<String, String> notes = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Checks.identifier(Checks.notNull(name, "plan name"), "plan name");
        }

        /**
         * What changes, why and the scope, for the runbook.
         *
         * @param text a sentence or two
         * @return this builder
         */
        public Builder summary(String text) {
            this.summary = Checks.notNull(text, "summary");
            return this;
        }

        /**
         * The migration type.
         *
         * @param value default {@link MigrationType#BACKFILL}
         * @return this builder
         */
        public Builder type(MigrationType value) {
            this.type = Checks.notNull(value, "type");
            return this;
        }

        /**
         * The blast radius.
         *
         * @param value default {@link BlastRadius#MEDIUM}
         * @return this builder
         */
        public Builder blastRadius(BlastRadius value) {
            this.blastRadius = Checks.notNull(value, "blastRadius");
            return this;
        }

        /**
         * The rollback complexity; {@link RollbackComplexity#IMPOSSIBLE} makes red gates stop and stabilize.
         *
         * @param value default {@link RollbackComplexity#MODERATE}
         * @return this builder
         */
        public Builder rollback(RollbackComplexity value) {
            this.rollback = Checks.notNull(value, "rollback");
            return this;
        }

        /**
         * Who owns the migration.
         *
         * @param value a team or a person
         * @return this builder
         */
        public Builder owner(String value) {
            this.owner = Checks.notNull(value, "owner");
            return this;
        }

        /**
         * Who is paged on red and escalated to.
         *
         * @param value an on-call rotation, a channel
         * @return this builder
         */
        public Builder escalation(String value) {
            this.escalation = Checks.notNull(value, "escalation");
            return this;
        }

        /**
         * The exact number of rows; the run completes when it has processed them.
         *
         * @param rows positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder totalRows(long rows) {
            this.totalRows = Checks.positive(rows, "totalRows");
            this.totalIsEstimate = false;
            return this;
        }

        /**
         * An estimate of the rows (from table statistics); progress from it is capped below 100% until the batch
         * loop reports the source exhausted.
         *
         * @param rows positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder estimatedRows(long rows) {
            this.totalRows = Checks.positive(rows, "estimatedRows");
            this.totalIsEstimate = true;
            return this;
        }

        /**
         * Progress from a numeric key range: fraction = (cursor - min) / (max - min), clamped to [0, 1]; the
         * batch loop reports the cursor with {@link Batch#complete(long, Object)}.
         *
         * @param minKey the first key (exclusive lower bound of the remaining work)
         * @param maxKey the last key
         * @return this builder
         * @throws IllegalArgumentException if maxKey is not above minKey
         */
        public Builder keyRange(long minKey, long maxKey) {
            if (maxKey <= minKey) {
                throw new IllegalArgumentException("keyRange max " + maxKey + " must be above min " + minKey);
            }
            double span = (double) maxKey - (double) minKey;
            this.progressFunction = cursor -> cursor instanceof Number n
                    ? (n.doubleValue() - minKey) / span : Double.NaN;
            this.progressDescription = "cursor position in key range [" + minKey + ", " + maxKey + "]";
            this.keyRange = new KeyRange(minKey, maxKey);
            return this;
        }

        /**
         * Progress from the cursor by any function (for text or composite keys).
         *
         * @param fractionOfCursor maps the last committed cursor to the fraction done, 0..1 (clamped)
         * @param description how it is computed, for the documents
         * @return this builder
         */
        public Builder progressFromCursor(ToDoubleFunction<Object> fractionOfCursor, String description) {
            this.progressFunction = Checks.notNull(fractionOfCursor, "progressFromCursor function");
            this.progressDescription = Checks.notBlank(description, "progressFromCursor description");
            this.keyRange = null;
            return this;
        }

        /**
         * The source's head key, for backlog lag: how far the cursor trails the newest key
         * ({@code head - cursor}, in keys). The cursor must be a number.
         *
         * @param head supplies the current maximum key of the source
         * @return this builder
         */
        public Builder sourceHead(LongSupplier head) {
            this.sourceHead = Checks.notNull(head, "sourceHead");
            return this;
        }

        /**
         * The replica lag signal, exported as {@code migobs.lag{kind="replica"}}; gate it with {@link #gate(Gate)}
         * as well to act on it.
         *
         * @param signal lag in seconds
         * @return this builder
         */
        public Builder replicaLag(Signal signal) {
            this.replicaLag = Checks.notNull(signal, "replicaLag");
            return this;
        }

        /**
         * Batch size bounds.
         *
         * @param initial the first batch's size, within [min, max] (default 500)
         * @param min the smallest size (default 10)
         * @param max the largest size (default 10,000)
         * @return this builder
         * @throws IllegalArgumentException if any is not positive, min &gt; max, or initial is outside [min, max]
         */
        public Builder batchSize(int initial, int min, int max) {
            Checks.positive(initial, "initial batch size");
            Checks.positive(min, "min batch size");
            Checks.positive(max, "max batch size");
            if (min > max) {
                throw new IllegalArgumentException("min batch size " + min + " must not exceed max batch size " + max);
            }
            if (initial < min || initial > max) {
                throw new IllegalArgumentException("initial batch size " + initial + " must be within [" + min + ", "
                        + max + "]");
            }
            this.initialBatchSize = initial;
            this.minBatchSize = min;
            this.maxBatchSize = max;
            return this;
        }

        /**
         * The batch duration the controller converges on when green.
         *
         * @param duration positive (default 500 ms)
         * @return this builder
         */
        public Builder targetBatchTime(Duration duration) {
            this.targetBatchTime = Checks.positive(duration, "targetBatchTime");
            return this;
        }

        /**
         * A hard cap on rows per second, enforced with a Resilience4j rate limiter on the run's time source.
         *
         * @param rate positive rows per second (default: no cap)
         * @return this builder
         */
        public Builder maxRowsPerSecond(double rate) {
            this.maxRowsPerSecond = Checks.positive(rate, "maxRowsPerSecond");
            return this;
        }

        /**
         * Adds a phase; phases run in the order added.
         *
         * @param phase the phase
         * @return this builder
         */
        public Builder phase(Phase phase) {
            phases.add(Checks.notNull(phase, "phase"));
            return this;
        }

        /**
         * Adds the gates migobs recommends for a backfill — {@link Recommended#replicaLagGate(Signal)} and
         * {@link Recommended#latencyInflationGate(Signal)} — and exports the lag as the plan's
         * {@link #replicaLag(Signal)}.
         *
         * @param replicaLag the replica lag, in seconds
         * @param latencyInflation production latency over its latency without the backfill (1.0 = no effect)
         * @return this builder
         * @throws NullPointerException if a signal is null
         */
        public Builder recommendedBackfillGates(Signal replicaLag, Signal latencyInflation) {
            replicaLag(replicaLag);
            gate(Recommended.replicaLagGate(replicaLag));
            gate(Recommended.latencyInflationGate(Checks.notNull(latencyInflation, "latencyInflation")));
            return this;
        }

        /**
         * Adds a gate that applies in every phase.
         *
         * @param gate the gate
         * @return this builder
         */
        public Builder gate(Gate gate) {
            gates.add(Checks.notNull(gate, "gate"));
            return this;
        }

        /**
         * Adds an invariant.
         *
         * @param name letters, digits, '.', '_', '-'
         * @param cadence how often it runs (it also runs at phase ends and at the end)
         * @param check the check
         * @return this builder
         */
        public Builder invariant(String name, Cadence cadence, Invariant check) {
            return invariant(name, cadence, check, "");
        }

        /**
         * Adds an invariant with a description for the runbook.
         *
         * @param name letters, digits, '.', '_', '-'
         * @param cadence how often it runs (it also runs at phase ends and at the end)
         * @param check the check
         * @param description what it verifies and how (sampling strategy)
         * @return this builder
         */
        public Builder invariant(String name, Cadence cadence, Invariant check, String description) {
            invariants.add(new InvariantSpec(Checks.identifier(name, "invariant name"),
                    Checks.notNull(cadence, "cadence of invariant '" + name + "'"),
                    Checks.notNull(check, "check of invariant '" + name + "'"),
                    Checks.notNull(description, "description of invariant '" + name + "'")));
            return this;
        }

        /**
         * The pre-flight window in which baselines for relative gates are measured (one sample per gate interval).
         *
         * @param window positive (default 30 s)
         * @return this builder
         */
        public Builder baselineWindow(Duration window) {
            this.baselineWindow = Checks.positive(window, "baselineWindow");
            return this;
        }

        /**
         * The maintenance window the run must fit in: the ETA alert fires when the ETA exceeds what is left of it.
         *
         * @param window positive
         * @return this builder
         */
        public Builder maintenanceWindow(Duration window) {
            this.maintenanceWindow = Checks.positive(window, "maintenanceWindow");
            return this;
        }

        /**
         * The allowed fraction of failed batches, for the documents (gate it with {@link Signals#batchErrorRate()}).
         *
         * @param fraction in (0, 1]
         * @return this builder
         */
        public Builder errorBudget(double fraction) {
            this.errorBudget = Checks.fraction(fraction, "errorBudget");
            return this;
        }

        /**
         * Consecutive failed batches that abort the run.
         *
         * @param count positive (default 10)
         * @return this builder
         */
        public Builder maxConsecutiveFailures(int count) {
            this.maxConsecutiveFailures = (int) Checks.positive(count, "maxConsecutiveFailures");
            return this;
        }

        /**
         * Interval of the progress log line.
         *
         * @param interval positive (default 10 s)
         * @return this builder
         */
        public Builder progressLogInterval(Duration interval) {
            this.progressLogInterval = Checks.positive(interval, "progressLogInterval");
            return this;
        }

        /**
         * The hook called when the run aborts.
         *
         * @param action the rollback
         * @param steps the same steps in words, for the runbook
         * @return this builder
         */
        public Builder onRollback(RollbackAction action, String steps) {
            this.rollbackAction = Checks.notNull(action, "rollback action");
            this.rollbackSteps = Checks.notNull(steps, "rollback steps");
            return this;
        }

        /**
         * A note for the generated documents ({@code correctness}, {@code telemetry}, {@code assumption}).
         *
         * @param key the heading
         * @param text the note
         * @return this builder
         */
        public Builder note(String key, String text) {
            notes.put(Checks.notBlank(key, "note key"), Checks.notNull(text, "note '" + key + "'"));
            return this;
        }

        /**
         * Validates the whole plan and builds it.
         *
         * @return an immutable plan
         * @throws IllegalArgumentException naming the field and value when a rule is broken: duplicate gate, phase
         *         or invariant names; a phase quota that overlaps the previous one; an open-ended phase before the
         *         last; a fraction quota without total rows or a progress function; a phase cap above the plan's
         *         maximum
         * @throws IllegalStateException when the plan's rollback is impossible but a rollback hook is set
         */
        public MigrationPlan build() {
            List<Phase> ps = new ArrayList<>(phases);
            if (ps.isEmpty()) {
                ps.add(Phase.builder("full").build());
            }
            Set<String> phaseNames = new HashSet<>();
            Set<String> planGateNames = new HashSet<>();
            for (Gate g : gates) {
                if (!planGateNames.add(g.name())) {
                    throw new IllegalArgumentException("duplicate gate name '" + g.name() + "'");
                }
            }
            double lastFraction = 0;
            long cumulativeRows = 0;
            for (int i = 0; i < ps.size(); i++) {
                Phase p = ps.get(i);
                if (!phaseNames.add(p.name())) {
                    throw new IllegalArgumentException("duplicate phase name '" + p.name() + "'");
                }
                if (p.isOpenEnded() && i < ps.size() - 1) {
                    throw new IllegalArgumentException("phase '" + p.name() + "' has no quota but is not the last phase"
                            + " (phase '" + ps.get(i + 1).name() + "' follows)");
                }
                if (p.maxBatchSize() > maxBatchSize) {
                    throw new IllegalArgumentException("maxBatchSize " + p.maxBatchSize() + " of phase '" + p.name()
                            + "' exceeds the plan's max batch size " + maxBatchSize);
                }
                if (p.maxBatchSize() > 0 && p.maxBatchSize() < minBatchSize) {
                    throw new IllegalArgumentException("maxBatchSize " + p.maxBatchSize() + " of phase '" + p.name()
                            + "' is below the plan's min batch size " + minBatchSize);
                }
                if (p.maxRowsPerSecond() > 0 && maxRowsPerSecond > 0 && p.maxRowsPerSecond() > maxRowsPerSecond) {
                    throw new IllegalArgumentException("maxRowsPerSecond " + p.maxRowsPerSecond() + " of phase '"
                            + p.name() + "' exceeds the plan's maxRowsPerSecond " + maxRowsPerSecond);
                }
                Set<String> phaseGateNames = new HashSet<>(planGateNames);
                for (Gate g : p.gates()) {
                    if (!phaseGateNames.add(g.name())) {
                        throw new IllegalArgumentException("duplicate gate name '" + g.name() + "' in phase '"
                                + p.name() + "'");
                    }
                }
                if (p.rows() > 0) {
                    cumulativeRows += p.rows();
                    if (totalRows > 0 && !totalIsEstimate && cumulativeRows > totalRows) {
                        throw new IllegalArgumentException("phase '" + p.name() + "' ends at row " + cumulativeRows
                                + ", beyond totalRows " + totalRows);
                    }
                    if (totalRows > 0 && lastFraction > 0 && cumulativeRows <= Math.round(lastFraction * totalRows)) {
                        throw new IllegalArgumentException("phase '" + p.name() + "' quota rows " + p.rows()
                                + " overlaps the previous phase, which ends at fraction " + lastFraction);
                    }
                }
                if (p.untilFraction() > 0) {
                    if (totalRows == 0 && progressFunction == null) {
                        throw new IllegalArgumentException("phase '" + p.name() + "' ends at fraction "
                                + p.untilFraction() + " but the plan has neither totalRows/estimatedRows nor a key range");
                    }
                    if (p.untilFraction() <= lastFraction) {
                        throw new IllegalArgumentException("phase '" + p.name() + "' untilFraction " + p.untilFraction()
                                + " overlaps the previous phase, which ends at fraction " + lastFraction);
                    }
                    if (totalRows > 0 && Math.round(p.untilFraction() * totalRows) <= cumulativeRows) {
                        throw new IllegalArgumentException("phase '" + p.name() + "' untilFraction " + p.untilFraction()
                                + " (row " + Math.round(p.untilFraction() * totalRows) + " of " + totalRows
                                + ") overlaps the previous phases, which end at row " + cumulativeRows);
                    }
                    lastFraction = p.untilFraction();
                }
            }
            Set<String> invariantNames = new HashSet<>();
            for (InvariantSpec spec : invariants) {
                if (!invariantNames.add(spec.name())) {
                    throw new IllegalArgumentException("duplicate invariant name '" + spec.name() + "'");
                }
            }
            if (rollback == RollbackComplexity.IMPOSSIBLE && rollbackAction != null) {
                throw new IllegalStateException("rollback is IMPOSSIBLE for plan '" + name
                        + "' but a rollback action is set; remove one of them");
            }
            return new MigrationPlan(this, ps);
        }
    }
}
