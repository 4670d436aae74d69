package io.migobs.springbatch;

import io.migobs.MigrationRun;
import org.springframework.batch.repeat.CompletionPolicy;
import org.springframework.batch.repeat.RepeatContext;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.batch.repeat.context.RepeatContextSupport;

/**
 * Ends a chunk after the number of items the run handed out for it. Spring Batch calls {@link #update} before each
 * read and {@link #isComplete(RepeatContext, RepeatStatus)} after it, on the chunk's thread.
 */
final class RunCompletionPolicy implements CompletionPolicy {
    private final StepAdapter adapter;

    RunCompletionPolicy(StepAdapter adapter) {
        this.adapter = adapter;
    }

    /** The chunk's repeat context: how many items it may read and how many it has started. */
    static final class SizedContext extends RepeatContextSupport {
        final int size;
        final boolean probe;
        int count;

        SizedContext(RepeatContext parent, int size, boolean probe) {
            super(parent);
            this.size = size;
            this.probe = probe;
        }
    }

    @Override
    public RepeatContext start(RepeatContext parent) {
        int size = adapter.chunkSize();
        if (size < 0) {
            MigrationRun run = adapter.activeRun();
            if (run == null) {
                throw new IllegalStateException("migobs: the completion policy of migration '"
                        + adapter.owner().plan().name() + "' has no run: attach the MigrationStep to the step with"
                        + " attachTo(stepBuilder)");
            }
            size = run.currentBatchSize();
        }
        SizedContext ctx = new SizedContext(parent, size, adapter.probing());
        if (size == 0) {
            ctx.setCompleteOnly(); // the run ended: read nothing
        }
        return ctx;
    }

    @Override
    public void update(RepeatContext context) {
        if (context instanceof SizedContext s) {
            s.count++;
        }
    }

    @Override
    public boolean isComplete(RepeatContext context, RepeatStatus result) {
        if (result == null || !result.isContinuable()) {
            return true; // the reader is exhausted
        }
        SizedContext s = (SizedContext) context;
        if (s.probe) {
            MigrationRun run = adapter.activeRun();
            throw new IllegalStateException("migobs: the reader returned an item after migration '"
                    + adapter.owner().plan().name() + "' completed all of its " + adapter.owner().plan().totalRows()
                    + " rows: the plan's totalRows is wrong (declare estimatedRows when the count is not exact)"
                    + (run == null ? "" : "; rows done " + run.progress().rowsProcessed()));
        }
        return isComplete(context);
    }

    @Override
    public boolean isComplete(RepeatContext context) {
        SizedContext s = (SizedContext) context;
        return s.count >= s.size;
    }
}
