package io.migobs.springbatch;

import io.migobs.Batch;
import io.migobs.MigrationAbortedException;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.RunState;
import java.io.Serializable;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.ItemWriteListener;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStream;

/**
 * The step, chunk and item-write callbacks and the execution-context stream of a {@link MigrationStep}. Per step
 * execution state lives in a thread-local: Spring Batch runs a (non multi-threaded) step and each partition on one
 * thread from beforeStep to afterStep.
 */
final class StepAdapter implements StepExecutionListener, ChunkListener, ItemWriteListener<Object>, ItemStream {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationStep.class);

    private final MigrationStep owner;
    private final ThreadLocal<StepState> current = new ThreadLocal<>();
    private volatile MigrationRun shared;
    private volatile MigrationRun active;
    private volatile RunReport lastReport;

    StepAdapter(MigrationStep owner) {
        this.owner = owner;
    }

    /** One step execution (or one partition) on its thread. */
    static final class StepState {
        final StepExecution execution;
        final MigrationRun run;
        final long baseRows;
        final boolean partition;
        ChunkState chunk;
        Object cursor;

        StepState(StepExecution execution, MigrationRun run, long baseRows, boolean partition, Object cursor) {
            this.execution = execution;
            this.run = run;
            this.baseRows = baseRows;
            this.partition = partition;
            this.cursor = cursor;
        }
    }

    /** The chunk in flight on this thread: its batch, or why it has none. */
    static final class ChunkState {
        Batch batch;
        long readsBefore;
        /** The run completed by count: the chunk may read one item, only to confirm the reader is exhausted. */
        boolean probe;
        /** The run ended: the chunk reads nothing and the step stops. */
        boolean none;

        int size() {
            if (batch != null) {
                return batch.size();
            }
            return probe ? 1 : 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ step

    @Override
    public void beforeStep(StepExecution stepExecution) {
        ExecutionContext ctx = stepExecution.getExecutionContext();
        long base = ctx.containsKey(MigrationStep.ROWS_KEY) ? ctx.getLong(MigrationStep.ROWS_KEY) : 0L;
        Object cursor = ctx.get(MigrationStep.CURSOR_KEY);
        MigrationRun run = shared;
        boolean partition = run != null;
        if (!partition) {
            run = owner.startRun(base, cursor);
            active = run;
        }
        LOG.info("step-start migration={} step={} mode={} resumed_rows={} resumed_cursor={}", owner.plan().name(),
                stepExecution.getStepName(), partition ? "partition" : "step", base, cursor);
        current.set(new StepState(stepExecution, run, base, partition, cursor));
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        StepState st = current.get();
        current.remove();
        if (st == null || st.execution != stepExecution) {
            return null; // beforeStep failed before the run started
        }
        MigrationRun run = st.run;
        if (!st.partition) {
            run.close();
            RunReport report = run.report();
            lastReport = report;
            if (active == run) {
                active = null;
            }
        }
        return stopStatus(run, stepExecution);
    }

    /** The exit status naming the run's end, for a step that stopped because the run aborted or stopped. */
    static ExitStatus stopStatus(MigrationRun run, StepExecution stepExecution) {
        RunReport r = run.report();
        boolean ended = r.state() == RunState.ABORTED || r.state() == RunState.STOPPED;
        if (ended && stepExecution.getStatus() == BatchStatus.STOPPED) {
            return ExitStatus.STOPPED.addExitDescription("migobs: migration '" + r.migration() + "' " + r.state()
                    + ": " + r.reason());
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ chunk

    @Override
    public void beforeChunk(ChunkContext context) {
        StepExecution se = context.getStepContext().getStepExecution();
        StepState st = current.get();
        if (st == null || st.execution != se) {
            throw new IllegalStateException("migobs: a chunk of step '" + se.getStepName() + "' runs on a thread that"
                    + " did not start the step: multi-threaded steps are not supported, use partitioning (or the"
                    + " MigrationStep was not attached with attachTo)");
        }
        if (st.chunk != null) {
            throw new IllegalStateException("migobs: two chunks of step '" + se.getStepName() + "' in flight at once;"
                    + " multi-threaded steps are not supported, use partitioning");
        }
        ChunkState c = new ChunkState();
        c.readsBefore = reads(se);
        st.chunk = c;
        try {
            c.batch = st.run.nextBatch();
        } catch (MigrationAbortedException e) {
            c.none = true;
            se.setTerminateOnly();
            LOG.warn("step-stop migration={} step={} state={} reason=\"{}\"", owner.plan().name(), se.getStepName(),
                    e.state(), e.reason());
        } catch (NoSuchElementException e) {
            c.probe = true;
        }
    }

    @Override
    public void afterChunk(ChunkContext context) {
        StepState st = current.get();
        if (st == null || st.chunk == null) {
            return;
        }
        ChunkState c = st.chunk;
        st.chunk = null;
        if (c.batch == null) {
            return;
        }
        StepExecution se = st.execution;
        long n = reads(se) - c.readsBefore;
        Object cursor = st.partition ? null : st.cursor;
        boolean exhausted = n < c.batch.size();
        if (exhausted && !st.partition) {
            c.batch.completeLast(n, cursor);
            // runs the final invariants and completes (or aborts) the run now, while the step can still stop
            st.run.hasNext();
            if (st.run.state() != RunState.COMPLETED) {
                se.setTerminateOnly();
            }
        } else {
            c.batch.complete(n, cursor);
        }
    }

    @Override
    public void afterChunkError(ChunkContext context) {
        StepState st = current.get();
        if (st == null || st.chunk == null) {
            return;
        }
        ChunkState c = st.chunk;
        st.chunk = null;
        if (c.batch != null && !c.batch.isFinished()) {
            Object e = context.getAttribute(ChunkListener.ROLLBACK_EXCEPTION_KEY);
            c.batch.fail(e instanceof Throwable t ? t : new IllegalStateException("chunk rolled back"));
        }
    }

    private static long reads(StepExecution se) {
        return se.getReadCount() + se.getReadSkipCount();
    }

    // ------------------------------------------------------------------------------------------------ items

    @Override
    public void afterWrite(Chunk<? extends Object> items) {
        if (!owner.tracksCursor() || items.isEmpty()) {
            return;
        }
        StepState st = current.get();
        if (st != null && !st.partition) {
            st.cursor = owner.cursorOf(items.getItems().get(items.size() - 1));
        }
    }

    // ------------------------------------------------------------------------------------------------ stream

    @Override
    public void update(ExecutionContext executionContext) {
        StepState st = current.get();
        if (st == null) {
            return;
        }
        // called inside the chunk's transaction, after the step execution's counts were updated: saved with the
        // chunk, so a restart resumes exactly where the committed data is
        executionContext.putLong(MigrationStep.ROWS_KEY, st.baseRows + reads(st.execution));
        if (st.cursor instanceof Serializable) {
            executionContext.put(MigrationStep.CURSOR_KEY, st.cursor);
        }
    }

    // ------------------------------------------------------------------------------------------------ policy

    /** The size of the chunk starting on this thread, or -1 when no chunk was begun by the listener. */
    int chunkSize() {
        StepState st = current.get();
        if (st == null || st.chunk == null) {
            return -1;
        }
        return st.chunk.size();
    }

    boolean probing() {
        StepState st = current.get();
        return st != null && st.chunk != null && st.chunk.probe;
    }

    // ------------------------------------------------------------------------------------------------ partitions

    void share(MigrationRun run) {
        shared = run;
        active = run;
    }

    MigrationRun unshare() {
        MigrationRun run = shared;
        shared = null;
        if (active == run) {
            active = null;
        }
        return run;
    }

    void ended(RunReport report) {
        lastReport = report;
    }

    MigrationRun activeRun() {
        return active;
    }

    RunReport lastReport() {
        return lastReport;
    }

    MigrationStep owner() {
        return owner;
    }
}
