package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Eight worker threads share one run, as partitions do. */
class ConcurrencyTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void eightThreadsProcessOneHundredThousandBatchesWithExactCounts() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        ScriptedSignal lag = ScriptedSignal.named("lag", "seconds");
        for (int i = 0; i < 400; i++) {
            lag.then(i % 40 < 30 ? 1 : 8); // yellow now and then, so gate transitions happen under contention
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MigrationPlan p = MigrationPlan.builder("parts").totalRows(1_000_000).batchSize(10, 10, 10)
                .gate(Gate.builder("lag", lag).yellowAbove(5).holdSamples(2).recoverSamples(2).build()).build();
        AtomicLong rows = new AtomicLong();
        AtomicInteger batches = new AtomicInteger();
        List<GateChange> changes = java.util.Collections.synchronizedList(new ArrayList<>());
        MigrationListener l = new MigrationListener() {
            @Override
            public void onGateChange(GateChange c) {
                changes.add(c);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (MigrationRun run = MigrationRun.builder(p).meterRegistry(registry).timeSource(time).listener(l)
                .start()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    while (run.hasNext()) {
                        Batch b = run.nextBatch();
                        time.sleepNanos(1_000_000); // 1 ms of manual time per batch
                        rows.addAndGet(b.size());
                        batches.incrementAndGet();
                        b.complete(b.size());
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            RunReport r = run.report();
            assertThat(r.state()).isEqualTo(RunState.COMPLETED);
            assertThat(r.rowsProcessed()).isEqualTo(1_000_000).isEqualTo(rows.get());
            assertThat(r.batches()).isEqualTo(100_000).isEqualTo(batches.get());
            assertThat(registry.get("migobs.rows").counter().count()).isEqualTo(1_000_000);
            assertThat(registry.get("migobs.batches").tag("outcome", "success").counter().count()).isEqualTo(100_000);
        } finally {
            pool.shutdownNow();
        }
        assertThat(changes).isNotEmpty();
        for (int i = 1; i < changes.size(); i++) {
            assertThat(changes.get(i).from()).as("transition %d follows the previous one", i)
                    .isEqualTo(changes.get(i - 1).to());
        }
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void pauseFromAnotherThreadTakesEffectBeforeTheNextBatch() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        MigrationPlan p = MigrationPlan.builder("m").totalRows(10_000_000).batchSize(10, 10, 10).build();
        AtomicBoolean paused = new AtomicBoolean();
        AtomicInteger startedWhilePaused = new AtomicInteger();
        MigrationListener l = new MigrationListener() {
            @Override
            public void onBatchStart(BatchEvent e) {
                if (paused.get()) {
                    startedWhilePaused.incrementAndGet();
                }
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (MigrationRun run = MigrationRun.builder(p).timeSource(time).listener(l).start()) {
            CountDownLatch started = new CountDownLatch(4);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    started.countDown();
                    try {
                        while (run.hasNext()) {
                            Batch b = run.nextBatch();
                            b.complete(b.size());
                        }
                    } catch (MigrationAbortedException e) {
                        // aborted between hasNext and nextBatch: fine
                    }
                    return null;
                }));
            }
            started.await();
            run.pause();
            paused.set(true); // from here on no batch may start until resume
            long before = run.report().batches();
            for (int i = 0; i < 200; i++) {
                Thread.onSpinWait();
            }
            assertThat(run.state()).isEqualTo(RunState.PAUSED);
            paused.set(false);
            run.resume();
            run.abort("test over");
            for (Future<?> w : workers) {
                w.get();
            }
            assertThat(startedWhilePaused).hasValue(0);
            assertThat(run.report().batches()).isGreaterThanOrEqualTo(before);
            assertThat(run.report().state()).isEqualTo(RunState.ABORTED);
        } finally {
            pool.shutdownNow();
        }
    }
}
