package io.migobs.springbatch;

import io.migobs.Batch;
import io.migobs.MigrationRun;
import io.migobs.RunState;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobInstance;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;

/**
 * Owns the one run that every partition of a partitioned step shares: starts it before the partitions, completes
 * it once they all completed, closes it.
 */
final class ManagerListener implements StepExecutionListener {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationStep.class);

    private final StepAdapter adapter;
    private final JobRepository repository;
    private final String prefix;

    ManagerListener(StepAdapter adapter, JobRepository repository, String workerStepName) {
        this.adapter = adapter;
        this.repository = repository;
        this.prefix = workerStepName + ":";
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        long rows = committedRows(stepExecution.getJobExecution().getJobInstance());
        MigrationRun run = adapter.owner().startRun(rows, null);
        adapter.share(run);
        LOG.info("partitions-start migration={} step={} resumed_rows={}", run.plan().name(),
                stepExecution.getStepName(), rows);
    }

    /** The rows every partition of this job instance committed in earlier executions. */
    private long committedRows(JobInstance instance) {
        Set<String> names = new TreeSet<>();
        for (JobExecution je : repository.findJobExecutions(instance)) {
            for (StepExecution se : je.getStepExecutions()) {
                if (se.getStepName().startsWith(prefix)) {
                    names.add(se.getStepName());
                }
            }
        }
        long rows = 0;
        for (String name : names) {
            StepExecution last = repository.getLastStepExecution(instance, name);
            if (last != null && last.getExecutionContext().containsKey(MigrationStep.ROWS_KEY)) {
                rows += last.getExecutionContext().getLong(MigrationStep.ROWS_KEY);
            }
        }
        return rows;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        MigrationRun run = adapter.unshare();
        if (run == null) {
            return null;
        }
        try {
            if (stepExecution.getStatus() == BatchStatus.COMPLETED && !run.state().isTerminal()) {
                // every partition's reader is exhausted: the source is done
                if (run.hasNext()) {
                    Batch last = run.nextBatch();
                    last.completeLast(0, null);
                }
                run.hasNext(); // runs the final invariants
            }
        } finally {
            run.close();
        }
        adapter.ended(run.report());
        if (run.state() != RunState.COMPLETED && stepExecution.getStatus() == BatchStatus.COMPLETED) {
            stepExecution.setStatus(BatchStatus.STOPPED);
        }
        return StepAdapter.stopStatus(run, stepExecution);
    }
}
