package io.migobs.springbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.BatchEvent;
import io.migobs.Decision;
import io.migobs.Gate;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.springbatch.BatchFixture.Item;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.step.builder.SimpleStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemWriter;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/** The Spring Batch adapter against a real H2-backed JobRepository and a real table. */
class MigrationStepTest {
    private static final int ROWS = 2000;

    private BatchFixture db;
    private final ManualTimeSource time = new ManualTimeSource();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Every batch takes 10 ms of manual time, so the controller sees a throughput and gates are sampled. */
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final MigrationListener tenMillisPerBatch = new MigrationListener() {
        @Override
        public void onBatchStart(BatchEvent event) {
            batchSizes.add(event.size());
            time.advance(Duration.ofMillis(10));
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        db = new BatchFixture(ROWS);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static Gate lagGate(ScriptedSignal lag, Gate.YellowAction onYellow) {
        return Gate.builder("replica.lag", lag).yellowAbove(5).redAbove(30).sampleInterval(Duration.ofMillis(10))
                .holdSamples(1).recoverSamples(1).onYellow(onYellow).build();
    }

    private MigrationStep migration(MigrationPlan plan) {
        return MigrationStep.builder(plan).timeSource(time).meterRegistry(registry).listener(tenMillisPerBatch)
                .cursor(Item.class, Item::id).build();
    }

    private Job job(MigrationStep m, ItemWriter<Item> writer) {
        Step step = m.attachTo(new StepBuilder("backfill", db.repository)
                .<Item, Item>chunk(m.completionPolicy(), db.tx).reader(db.new KeysetReader()).writer(writer)).build();
        return new JobBuilder("backfill-job", db.repository).start(step).build();
    }

    private static StepExecution step(JobExecution e, String name) {
        return e.getStepExecutions().stream().filter(s -> s.getStepName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void chunkSizeFollowsTheRunShrinksOnYellowAndGrowsBack() throws Exception {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.1, 15).repeat(8.0, 3)
                .then(0.1);
        MigrationPlan plan = MigrationPlan.builder("sb-dynamic").totalRows(ROWS).batchSize(20, 10, 400)
                .gate(lagGate(lag, Gate.YellowAction.THROTTLE)).build();
        List<Integer> chunkSizes = new ArrayList<>();
        ItemWriter<Item> writer = db.writer();
        MigrationStep m = migration(plan);

        JobExecution e = db.run(job(m, items -> {
            chunkSizes.add(items.size());
            writer.write(items);
        }));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
        assertThat(db.appliedTwice()).isZero();
        assertThat(chunkSizes).as("every chunk is exactly one batch of the run").isEqualTo(batchSizes);
        RunReport r = m.lastReport();
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.rowsProcessed()).isEqualTo(ROWS);
        assertThat(r.batches()).isEqualTo(chunkSizes.size());
        assertThat(r.decisions()).extracting(d -> d.to()).contains(Decision.THROTTLE, Decision.PROCEED);
        int throttledAt = batchSizes.indexOf(batchSizes.stream().max(Integer::compare).orElseThrow());
        assertThat(batchSizes.get(0)).isEqualTo(20);
        int peakBefore = batchSizes.subList(0, 15).stream().max(Integer::compare).orElseThrow();
        int lowAfter = batchSizes.subList(15, 22).stream().min(Integer::compare).orElseThrow();
        assertThat(peakBefore).as("grew while green").isGreaterThan(20);
        assertThat(lowAfter).as("shrank on yellow").isLessThan(peakBefore);
        assertThat(throttledAt).isGreaterThanOrEqualTo(0);
        assertThat(batchSizes.subList(22, batchSizes.size() - 1)).as("grew back once green").anyMatch(s -> s > lowAfter);
        assertThat(step(e, "backfill").getExecutionContext().getLong(MigrationStep.ROWS_KEY)).isEqualTo(ROWS);
        assertThat(step(e, "backfill").getExecutionContext().get(MigrationStep.CURSOR_KEY)).isEqualTo((long) ROWS);
    }

    @Test
    void stopsCleanlyOnRedAndRestartsFromTheJobRepository() throws Exception {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.1, 20).then(40.0);
        MigrationPlan plan = MigrationPlan.builder("sb-red").estimatedRows(ROWS).batchSize(20, 10, 50)
                .gate(lagGate(lag, Gate.YellowAction.THROTTLE)).build();
        MigrationStep m = migration(plan);
        Job job = job(m, db.writer());

        JobExecution first = db.run(job);

        assertThat(first.getStatus()).isEqualTo(BatchStatus.STOPPED);
        StepExecution s1 = step(first, "backfill");
        assertThat(s1.getExitStatus().getExitCode()).isEqualTo(ExitStatus.STOPPED.getExitCode());
        assertThat(s1.getExitStatus().getExitDescription()).contains("migobs", "sb-red", "ABORTED", "replica.lag");
        long done = db.done();
        assertThat(done).isBetween(1L, ROWS - 1L);
        RunReport r1 = m.lastReport();
        assertThat(r1.state()).isEqualTo(RunState.ABORTED);
        assertThat(r1.rowsProcessed()).isEqualTo(done);
        assertThat(s1.getExecutionContext().getLong(MigrationStep.ROWS_KEY)).isEqualTo(done);

        lag.set(0.1);
        JobExecution second = db.run(job);

        assertThat(second.getId()).isNotEqualTo(first.getId());
        assertThat(second.getJobInstance().getId()).isEqualTo(first.getJobInstance().getId());
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
        assertThat(db.appliedTwice()).as("no row applied twice").isZero();
        RunReport r2 = m.lastReport();
        assertThat(r2.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r2.rowsResumed()).isEqualTo(done);
        assertThat(r2.rowsProcessed()).isEqualTo(ROWS);
    }

    @Test
    void aCanaryStopsAfterItsPhaseWithAVerdictAndTheRestartGoesOn() throws Exception {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").then(0.1);
        MigrationPlan plan = MigrationPlan.builder("sb-canary").totalRows(ROWS).batchSize(20, 10, 50)
                .phase(io.migobs.Phase.builder("canary").rows(200).build())
                .phase(io.migobs.Phase.builder("full").build())
                .gate(lagGate(lag, Gate.YellowAction.THROTTLE)).build();
        MigrationStep m = MigrationStep.builder(plan).timeSource(time).meterRegistry(registry)
                .listener(tenMillisPerBatch).cursor(Item.class, Item::id).stopAfterPhase("canary").build();
        Job job = job(m, db.writer());

        JobExecution first = db.run(job);

        assertThat(first.getStatus()).isEqualTo(BatchStatus.STOPPED);
        StepExecution s1 = step(first, "backfill");
        assertThat(s1.getExitStatus().getExitCode()).isEqualTo(ExitStatus.STOPPED.getExitCode());
        assertThat(s1.getExitStatus().getExitDescription()).contains("sb-canary", "STOPPED",
                "stopped after phase 'canary'", "GO");
        RunReport r1 = m.lastReport();
        assertThat(r1.state()).isEqualTo(RunState.STOPPED);
        assertThat(r1.verdict().go()).isTrue();
        assertThat(r1.rowsProcessed()).isEqualTo(200);
        assertThat(db.done()).isEqualTo(200);

        JobExecution second = db.run(job);

        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
        assertThat(db.appliedTwice()).as("no row applied twice").isZero();
        RunReport r2 = m.lastReport();
        assertThat(r2.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r2.rowsResumed()).isEqualTo(200);
    }

    @Test
    void stopAfterPhaseMustNameAPhaseOfThePlan() {
        MigrationPlan plan = MigrationPlan.builder("sb-canary").totalRows(ROWS)
                .phase(io.migobs.Phase.builder("canary").rows(200).build())
                .phase(io.migobs.Phase.builder("full").build()).build();
        assertThatThrownBy(() -> MigrationStep.builder(plan).stopAfterPhase("ramp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stopAfterPhase 'ramp' is not a phase of plan 'sb-canary'");
        assertThatThrownBy(() -> MigrationStep.builder(plan).stopAfterPhase(null))
                .isInstanceOf(NullPointerException.class).hasMessage("stopAfterPhase cannot be null");
    }

    @Test
    void restartsAfterAFailedChunkWithoutLosingOrRepeatingRows() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("sb-crash").estimatedRows(ROWS).batchSize(20, 10, 50).build();
        MigrationStep m = migration(plan);
        AtomicBoolean crashed = new AtomicBoolean();
        ItemWriter<Item> writer = db.writer();
        Job job = job(m, items -> {
            writer.write(items);
            if (items.getItems().stream().anyMatch(i -> i.id() == 777) && crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("simulated crash mid-chunk");
            }
        });

        JobExecution first = db.run(job);

        assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
        long done = db.done();
        assertThat(done).as("the failed chunk rolled back").isLessThan(777L);
        assertThat(m.lastReport().failedBatches()).isEqualTo(1);
        assertThat(m.lastReport().state()).isEqualTo(RunState.ABORTED);

        JobExecution second = db.run(job);

        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
        assertThat(db.appliedTwice()).isZero();
        assertThat(m.lastReport().rowsResumed()).isEqualTo(done);
        assertThat(m.lastReport().rowsProcessed()).isEqualTo(ROWS);
    }

    @Test
    void filteredItemsCountAsRowsDone() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("sb-filter").totalRows(ROWS).batchSize(50, 10, 200).build();
        MigrationStep m = migration(plan);
        Step step = m.attachTo(new StepBuilder("backfill", db.repository)
                .<Item, Item>chunk(m.completionPolicy(), db.tx).reader(db.new KeysetReader())
                .processor(i -> i.id() % 2 == 0 ? null : i).writer(db.writer())).build();

        JobExecution e = db.run(new JobBuilder("filter-job", db.repository).start(step).build());

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(step(e, "backfill").getFilterCount()).isEqualTo(ROWS / 2);
        assertThat(db.done()).isEqualTo(ROWS / 2);
        assertThat(m.lastReport().state()).isEqualTo(RunState.COMPLETED);
        assertThat(m.lastReport().rowsProcessed()).as("rows read, written or filtered").isEqualTo(ROWS);
    }

    @Test
    void pausesWhileAGateWithThePauseActionIsYellow() throws Exception {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.1, 5).repeat(8.0, 5)
                .then(0.1);
        MigrationPlan plan = MigrationPlan.builder("sb-pause").estimatedRows(ROWS).batchSize(20, 10, 50)
                .gate(lagGate(lag, Gate.YellowAction.PAUSE)).build();
        MigrationStep m = migration(plan);

        JobExecution e = db.run(job(m, db.writer()));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
        assertThat(m.lastReport().paused()).isPositive();
        assertThat(m.lastReport().decisions()).extracting(d -> d.to()).contains(Decision.PAUSE);
    }

    private Job partitionedJob(MigrationStep m, int partitions) {
        Step worker = m.attachTo(new StepBuilder("worker", db.repository)
                .<Item, Item>chunk(m.completionPolicy(), db.tx).reader(db.new KeysetReader()).writer(db.writer()))
                .build();
        Partitioner ranges = grid -> {
            Map<String, ExecutionContext> map = new HashMap<>();
            long span = ROWS / partitions;
            for (int i = 0; i < partitions; i++) {
                ExecutionContext c = new ExecutionContext();
                c.putLong("min", i * span);
                c.putLong("max", i == partitions - 1 ? ROWS : (i + 1) * span);
                map.put("p" + i, c);
            }
            return map;
        };
        Step manager = new StepBuilder("manager", db.repository).partitioner("worker", ranges).step(worker)
                .gridSize(partitions).taskExecutor(new SimpleAsyncTaskExecutor("part-"))
                .listener(m.managerListener(db.repository, "worker")).build();
        return new JobBuilder("partitioned-job", db.repository).start(manager).build();
    }

    @Test
    void partitionsShareOneRun() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("sb-parts").totalRows(ROWS).batchSize(20, 10, 100).build();
        MigrationStep m = migration(plan);

        JobExecution e = db.run(partitionedJob(m, 4));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(e.getStepExecutions()).filteredOn(s -> s.getStepName().startsWith("worker:")).hasSize(4)
                .allMatch(s -> s.getStatus() == BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
        assertThat(db.appliedTwice()).isZero();
        RunReport r = m.lastReport();
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.rowsProcessed()).isEqualTo(ROWS);
        assertThat(registry.find("migobs.rows").counters()).as("one run: one migration's meters")
                .allMatch(c -> "sb-parts".equals(c.getId().getTag("migration")));
        assertThat(registry.find("migobs.rows").counters().stream().mapToDouble(c -> c.count()).sum())
                .isEqualTo(ROWS);
    }

    @Test
    void aRedGateStopsEveryPartitionAndTheRestartResumesFromTheirSum() throws Exception {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.1, 12).then(40.0);
        MigrationPlan plan = MigrationPlan.builder("sb-parts-red").estimatedRows(ROWS).batchSize(20, 10, 40)
                .gate(lagGate(lag, Gate.YellowAction.THROTTLE)).build();
        MigrationStep m = migration(plan);
        Job job = partitionedJob(m, 4);

        JobExecution first = db.run(job);

        assertThat(first.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(first.getStepExecutions()).filteredOn(s -> s.getStepName().startsWith("worker:"))
                .allMatch(s -> s.getStatus() == BatchStatus.STOPPED);
        long done = db.done();
        assertThat(done).isBetween(1L, ROWS - 1L);
        assertThat(m.lastReport().state()).isEqualTo(RunState.ABORTED);
        assertThat(m.lastReport().rowsProcessed()).isEqualTo(done);

        lag.set(0.1);
        JobExecution second = db.run(job);

        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
        assertThat(db.appliedTwice()).isZero();
        assertThat(m.lastReport().rowsResumed()).isEqualTo(done);
        assertThat(m.lastReport().rowsProcessed()).isEqualTo(ROWS);
        assertThat(m.lastReport().state()).isEqualTo(RunState.COMPLETED);
    }

    private static MigrationPlan failingFinalCheck(String name) {
        return MigrationPlan.builder(name).estimatedRows(ROWS).batchSize(100, 10, 400)
                .invariant("final-count", io.migobs.Cadence.atPhaseEnds(),
                        ctx -> "final".equals(ctx.reason()) ? io.migobs.InvariantResult.fail(ROWS, "count mismatch")
                                : io.migobs.InvariantResult.pass(0))
                .build();
    }

    @Test
    void aFailedFinalInvariantStopsTheStepWithTheReason() throws Exception {
        MigrationStep m = migration(failingFinalCheck("sb-final"));

        JobExecution e = db.run(job(m, db.writer()));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(step(e, "backfill").getExitStatus().getExitDescription()).contains("final-count",
                "count mismatch");
        assertThat(m.lastReport().state()).isEqualTo(RunState.ABORTED);
    }

    @Test
    void aFailedFinalInvariantStopsThePartitionedStep() throws Exception {
        MigrationStep m = migration(failingFinalCheck("sb-parts-final"));

        JobExecution e = db.run(partitionedJob(m, 2));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(step(e, "manager").getExitStatus().getExitDescription()).contains("final-count");
        assertThat(e.getStepExecutions()).filteredOn(s -> s.getStepName().startsWith("worker:"))
                .allMatch(s -> s.getStatus() == BatchStatus.COMPLETED);
        assertThat(db.done()).isEqualTo(ROWS);
    }

    @Test
    void aReaderWithMoreItemsThanAnExactTotalFailsTheStepNamingTheTotal() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("sb-short").totalRows(1000).batchSize(50, 10, 100).build();
        MigrationStep m = migration(plan);

        JobExecution e = db.run(job(m, db.writer()));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(e.getAllFailureExceptions()).anySatisfy(x -> assertThat(x).hasMessageContaining(
                "totalRows is wrong").hasMessageContaining("1000"));
        assertThat(db.done()).as("the item read past the total was rolled back").isEqualTo(1000);
        assertThat(m.lastReport().state()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    void aMultiThreadedStepFailsFast() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("sb-threads").estimatedRows(ROWS).build();
        MigrationStep m = migration(plan);
        SimpleStepBuilder<Item, Item> b = new StepBuilder("backfill", db.repository)
                .<Item, Item>chunk(m.completionPolicy(), db.tx).reader(db.new KeysetReader()).writer(db.writer());
        Step step = m.attachTo(b).taskExecutor(new SimpleAsyncTaskExecutor("mt-")).build();

        JobExecution e = db.run(new JobBuilder("mt-job", db.repository).start(step).build());

        assertThat(e.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(e.getAllFailureExceptions()).anySatisfy(x -> assertThat(x).hasMessageContaining(
                "multi-threaded steps are not supported"));
        assertThat(db.done()).isZero();
    }

    @Test
    void theCompletionPolicyWithoutAttachToNamesTheFix() throws Exception {
        MigrationPlan plan = MigrationPlan.builder("sb-unattached").estimatedRows(ROWS).build();
        MigrationStep m = migration(plan);
        Step step = new StepBuilder("backfill", db.repository).<Item, Item>chunk(m.completionPolicy(), db.tx)
                .reader(db.new KeysetReader()).writer(db.writer()).build();

        JobExecution e = db.run(new JobBuilder("unattached-job", db.repository).start(step).build());

        assertThat(e.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(e.getAllFailureExceptions()).anySatisfy(x -> assertThat(x).hasMessageContaining("attachTo")
                .hasMessageContaining("sb-unattached"));
    }

    @Test
    void builderRejectsNullsNamingTheField() {
        MigrationPlan plan = MigrationPlan.builder("sb-args").build();
        assertThatThrownBy(() -> MigrationStep.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("plan cannot be null");
        assertThatThrownBy(() -> MigrationStep.builder(plan).cursor(Item.class, null))
                .isInstanceOf(NullPointerException.class).hasMessage("cursor key function cannot be null");
        assertThatThrownBy(() -> MigrationStep.builder(plan).meterRegistry(null))
                .isInstanceOf(NullPointerException.class).hasMessage("meterRegistry cannot be null");
        MigrationStep m = MigrationStep.builder(plan).build();
        assertThatThrownBy(() -> m.managerListener(db.repository, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("workerStepName cannot be null");
        assertThatThrownBy(() -> m.attachTo(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("step builder cannot be null");
    }
}
