package io.migobs.springbatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.SimpleStepBuilder;
import org.springframework.batch.repeat.CompletionPolicy;

/**
 * Drives a {@link MigrationRun} from a Spring Batch chunk-oriented step: every chunk is one migobs batch, so the
 * run's gates, controller and rate cap govern the step.
 *
 * <ul>
 *   <li><b>Dynamic commit interval.</b> {@link #completionPolicy()} ends each chunk after the number of items the
 *       run handed out for it ({@link io.migobs.Batch#size()}): the chunk size grows while the gates are green and
 *       shrinks when one turns yellow.</li>
 *   <li><b>Throttle.</b> Before each chunk reads anything, the listener asks the run for the next batch, which
 *       blocks while the run is paused, throttled by its rate cap or waiting at a phase boundary. No item is read
 *       and no statement is issued while it waits.</li>
 *   <li><b>Stop on red.</b> When the run aborts (a red gate, a failed invariant, an operator's abort), the step
 *       reads nothing more and ends with {@code BatchStatus.STOPPED} and {@code ExitStatus.STOPPED}, the reason in
 *       the exit description. The job can be restarted.</li>
 *   <li><b>Restart.</b> The rows done (and the last cursor, when {@link Builder#cursor} is set) are written to the
 *       step's {@code ExecutionContext} in the chunk's own transaction ({@link #ROWS_KEY}, {@link #CURSOR_KEY}); a
 *       restarted step resumes the run from them with {@link MigrationRun.Builder#resumeFrom(long, Object)}.</li>
 *   <li><b>Canary.</b> With {@link Builder#stopAfterPhase(String)} the run stops when that phase is done, with
 *       a go/no-go verdict; the step ends {@code STOPPED} with the verdict in its exit description, and a restart
 *       goes on from the next phase.</li>
 *   <li><b>Partitions.</b> Register {@link #managerListener(JobRepository, String)} on the partitioned (manager)
 *       step and attach the same {@code MigrationStep} to the worker step: every partition then shares one run,
 *       one set of gates and one rate budget.</li>
 * </ul>
 *
 * <pre>{@code
 * MigrationStep migration = MigrationStep.builder(plan).meterRegistry(registry)
 *         .cursor(Customer.class, Customer::id).build();
 * Step step = migration.attachTo(new StepBuilder("backfill", jobRepository)
 *         .<Customer, Customer>chunk(migration.completionPolicy(), transactionManager)
 *         .reader(reader).processor(processor).writer(writer)).build();
 * }</pre>
 *
 * <p><b>Rows.</b> A chunk's rows are the items it read (written or filtered; items skipped on read count too): the
 * source rows it has dealt with. The step ends when its reader is exhausted; the run then runs its invariants once
 * more and completes. With an exact {@link MigrationPlan.Builder#totalRows(long)}, a reader that still returns
 * items after the run completed fails the step (the plan's total is wrong); declare
 * {@link MigrationPlan.Builder#estimatedRows(long)} when the count is not exact.
 *
 * <p><b>Threading.</b> One thread per step execution: a step with a multi-threaded {@code TaskExecutor} fails fast
 * (use partitioning to run in parallel). One {@code MigrationStep} may serve any number of sequential executions
 * and the workers of one partitioned step. Thread-safe.
 */
public final class MigrationStep {

    /** {@code ExecutionContext} key of the rows done so far by the step execution (a long). */
    public static final String ROWS_KEY = "migobs.rows";
    /** {@code ExecutionContext} key of the last committed cursor (present when a cursor function is set). */
    public static final String CURSOR_KEY = "migobs.cursor";

    private final MigrationPlan plan;
    private final MeterRegistry registry;
    private final TimeSource time;
    private final List<MigrationListener> listeners;
    private final Function<Object, Object> cursorOf;
    private final String stopAfterPhase;
    private final StepAdapter adapter;
    private final RunCompletionPolicy policy;

    private MigrationStep(Builder b) {
        this.plan = b.plan;
        this.registry = b.registry;
        this.time = b.time;
        this.listeners = List.copyOf(b.listeners);
        this.cursorOf = b.cursorOf;
        this.stopAfterPhase = b.stopAfterPhase;
        this.adapter = new StepAdapter(this);
        this.policy = new RunCompletionPolicy(adapter);
    }

    /**
     * Starts the configuration of a step driven by {@code plan}.
     *
     * @param plan the migration plan; every step execution (or partitioned step) runs it once
     * @return a new builder
     * @throws NullPointerException if plan is null
     */
    public static Builder builder(MigrationPlan plan) {
        return new Builder(plan);
    }

    /**
     * The chunk completion policy: each chunk takes as many items as the run's current batch. Pass it to
     * {@code StepBuilder.chunk(CompletionPolicy, PlatformTransactionManager)}. Used without
     * {@link #attachTo(SimpleStepBuilder)}, it sizes chunks by {@link MigrationRun#currentBatchSize()} of the run
     * in progress.
     *
     * @return the policy (one instance per {@code MigrationStep}; thread-safe)
     */
    public CompletionPolicy completionPolicy() {
        return policy;
    }

    /**
     * Registers the step listener (step, chunk and item-write callbacks) and the execution-context stream on a
     * chunk-oriented step builder whose chunk size is {@link #completionPolicy()}.
     *
     * @param step the step builder, after {@code chunk(completionPolicy(), transactionManager)}
     * @param <I> the step's input type
     * @param <O> the step's output type
     * @return the same builder, for chaining
     * @throws NullPointerException if step is null
     */
    public <I, O> SimpleStepBuilder<I, O> attachTo(SimpleStepBuilder<I, O> step) {
        Objects.requireNonNull(step, "step builder cannot be null");
        step.listener((StepExecutionListener) adapter);
        step.stream(adapter);
        return step;
    }

    /**
     * The listener for the manager step of a partitioned step: before the partitions start it starts the one run
     * they all share (resuming from the rows every partition committed in earlier executions of the job
     * instance); after they all completed it completes the run (the final invariants run then); at the end it
     * closes the run. Attach this {@code MigrationStep} to the worker step with {@link #attachTo}.
     *
     * @param jobRepository the job repository, to read the partitions' earlier progress on restart
     * @param workerStepName the worker step's name (partition step executions are named
     *        {@code workerStepName:partitionName})
     * @return the listener for {@code StepBuilder.listener(StepExecutionListener)} of the manager step
     * @throws NullPointerException if an argument is null
     */
    public StepExecutionListener managerListener(JobRepository jobRepository, String workerStepName) {
        Objects.requireNonNull(jobRepository, "jobRepository cannot be null");
        Objects.requireNonNull(workerStepName, "workerStepName cannot be null");
        return new ManagerListener(adapter, jobRepository, workerStepName);
    }

    /**
     * The run in progress, for control ({@link MigrationRun#pause()}, {@link MigrationRun#abort(String)}) and
     * progress from another thread.
     *
     * @return the active run, or null when no step execution is running
     */
    public MigrationRun activeRun() {
        return adapter.activeRun();
    }

    /**
     * The report of the last run that ended (the step or the partitioned step finished).
     *
     * @return the final report, or null when no run has ended yet
     */
    public RunReport lastReport() {
        return adapter.lastReport();
    }

    /** @return the plan every run executes */
    public MigrationPlan plan() {
        return plan;
    }

    MigrationRun startRun(long rowsDone, Object cursor) {
        MigrationRun.Builder b = MigrationRun.builder(plan).timeSource(time);
        if (registry != null) {
            b.meterRegistry(registry);
        }
        for (MigrationListener l : listeners) {
            b.listener(l);
        }
        if (rowsDone > 0 || cursor != null) {
            b.resumeFrom(rowsDone, cursor);
        }
        if (stopAfterPhase != null) {
            b.stopAfterPhase(stopAfterPhase);
        }
        return b.start();
    }

    Object cursorOf(Object item) {
        return cursorOf == null ? null : cursorOf.apply(item);
    }

    boolean tracksCursor() {
        return cursorOf != null;
    }

    /**
     * Configures a {@link MigrationStep}. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder {
        private final MigrationPlan plan;
        private MeterRegistry registry;
        private TimeSource time = TimeSource.system();
        private final List<MigrationListener> listeners = new ArrayList<>();
        private Function<Object, Object> cursorOf;
        private String stopAfterPhase;

        private Builder(MigrationPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan cannot be null");
        }

        /**
         * Where each run's meters go.
         *
         * @param registry default: a private registry per run
         * @return this builder
         * @throws NullPointerException if registry is null
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "meterRegistry cannot be null");
            return this;
        }

        /**
         * The time source of each run (inject {@link io.migobs.testing.ManualTimeSource} in tests).
         *
         * @param time default {@link TimeSource#system()}
         * @return this builder
         * @throws NullPointerException if time is null
         */
        public Builder timeSource(TimeSource time) {
            this.time = Objects.requireNonNull(time, "timeSource cannot be null");
            return this;
        }

        /**
         * Adds a listener to every run (a console view, the OpenTelemetry bridge).
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder listener(MigrationListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener cannot be null"));
            return this;
        }

        /**
         * The cursor of the last item written in each chunk (its key): reported to the run (progress from a key
         * range, invariant ranges) and saved in the {@code ExecutionContext} under {@link #CURSOR_KEY} when it is
         * {@link java.io.Serializable}. Not used by partition workers (partitions have no common cursor).
         *
         * @param itemType the step's output type
         * @param key the key of an item, such as {@code Customer::id}
         * @param <T> the output type
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public <T> Builder cursor(Class<T> itemType, Function<? super T, ?> key) {
            Objects.requireNonNull(itemType, "cursor itemType cannot be null");
            Objects.requireNonNull(key, "cursor key function cannot be null");
            this.cursorOf = item -> key.apply(itemType.cast(item));
            return this;
        }

        /**
         * A canary through Spring Batch: each run stops (state {@code STOPPED}, with a {@link io.migobs.Verdict} in
         * {@link #lastReport()}) when this phase is done instead of promoting, and the step ends
         * {@code STOPPED} with the verdict in its exit description. Restarting the job resumes after the phase
         * (its quota is done, so the run starts in the next one) and does not stop there again.
         *
         * @param phaseName one of the plan's phases
         * @return this builder
         * @throws NullPointerException if phaseName is null
         * @throws IllegalArgumentException if the plan has no such phase
         */
        public Builder stopAfterPhase(String phaseName) {
            Objects.requireNonNull(phaseName, "stopAfterPhase cannot be null");
            if (plan.phases().stream().noneMatch(p -> p.name().equals(phaseName))) {
                throw new IllegalArgumentException("stopAfterPhase '" + phaseName + "' is not a phase of plan '"
                        + plan.name() + "'");
            }
            this.stopAfterPhase = phaseName;
            return this;
        }

        /**
         * Builds the step support.
         *
         * @return an immutable {@link MigrationStep}
         */
        public MigrationStep build() {
            return new MigrationStep(this);
        }
    }
}
