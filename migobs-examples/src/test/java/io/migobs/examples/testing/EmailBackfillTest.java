package io.migobs.examples.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migobs.Decision;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.examples.testing.EmailBackfill.Checkpoint;
import io.migobs.examples.testing.EmailBackfill.Customer;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * How to unit-test your own migration code with migobs' harness: a {@link ManualTimeSource} (nothing sleeps on the
 * real clock; a whole run takes milliseconds) and {@link ScriptedSignal}s that play a script of readings.
 */
class EmailBackfillTest {
    private static final int ROWS = 20_000;
    private final ManualTimeSource time = new ManualTimeSource();

    /** In-memory storage: every write takes 100 ms of manual time; counts writes per id; can crash on a write. */
    final class InMemoryCustomers implements EmailBackfill.Customers {
        final TreeMap<Long, Customer> rows = new TreeMap<>();
        final Map<Long, Integer> writes = new TreeMap<>();
        final List<Integer> batchSizes = new ArrayList<>();
        Checkpoint checkpoint = new Checkpoint(0, 0);
        int crashOnWrite = -1;

        InMemoryCustomers() {
            for (long id = 1; id <= ROWS; id++) {
                rows.put(id, new Customer(id, "  User" + id + "@Example.COM", null));
            }
        }

        @Override
        public List<Customer> after(long afterId, int limit) {
            return rows.tailMap(afterId, false).values().stream().limit(limit).toList();
        }

        @Override
        public void save(List<Customer> normalized, Checkpoint cp) {
            time.advance(Duration.ofMillis(100));
            if (batchSizes.size() == crashOnWrite) {
                throw new IllegalStateException("simulated crash: the process died before the commit");
            }
            batchSizes.add(normalized.size());
            for (Customer c : normalized) {
                rows.put(c.id(), c);
                writes.merge(c.id(), 1, Integer::sum);
            }
            checkpoint = cp;
        }

        @Override
        public Checkpoint checkpoint() {
            return checkpoint;
        }

        boolean allNormalizedOnce() {
            return rows.values().stream().allMatch(c -> c.email().trim().toLowerCase().equals(c.normalized()))
                    && writes.size() == ROWS && writes.values().stream().allMatch(n -> n == 1);
        }
    }

    private MigrationRun.Builder run(ScriptedSignal lag) {
        MigrationPlan plan = MigrationPlan.builder("normalize-emails").totalRows(ROWS).batchSize(100, 20, 500)
                .gate(Gate.builder("replica.lag", lag).yellowAbove(5).redAbove(30).holdSamples(2).recoverSamples(2)
                        .sampleInterval(Duration.ofMillis(200)).build())
                .build();
        return MigrationRun.builder(plan).timeSource(time);
    }

    @Test
    void throttlesWhileTheReplicaLags() {
        InMemoryCustomers db = new InMemoryCustomers();
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.2, 6).repeat(8.0, 6)
                .then(0.2);

        RunReport report = new EmailBackfill(db).run(run(lag));

        assertThat(report.state()).isEqualTo(RunState.COMPLETED);
        assertThat(db.allNormalizedOnce()).isTrue();
        assertThat(report.decisions()).extracting(d -> d.to()).containsSubsequence(Decision.THROTTLE,
                Decision.PROCEED);
        assertThat(report.throttled()).isPositive();
        int throttledAt = report.decisions().stream().filter(d -> d.to() == Decision.THROTTLE).findFirst()
                .orElseThrow().batchSize();
        int largestBefore = db.batchSizes.stream().limit(10).max(Integer::compare).orElseThrow();
        assertThat(throttledAt).as("the batch size halves on yellow").isLessThan(largestBefore);
    }

    @Test
    void abortsOnRedAndWritesNothingAfter() {
        InMemoryCustomers db = new InMemoryCustomers();
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0.2, 4).then(40.0);

        RunReport report = new EmailBackfill(db).run(run(lag));

        assertThat(report.state()).isEqualTo(RunState.ABORTED);
        assertThat(report.reason()).contains("replica.lag", "40");
        assertThat(report.rowsProcessed()).isBetween(1L, ROWS - 1L);
        assertThat(db.writes).hasSize((int) report.rowsProcessed());
        assertThat(db.checkpoint().rowsDone()).isEqualTo(report.rowsProcessed());
    }

    @Test
    void resumesAfterACrashWithoutLosingOrRepeatingARow() {
        InMemoryCustomers db = new InMemoryCustomers();
        db.crashOnWrite = 7;
        ScriptedSignal calm = ScriptedSignal.named("replica.lag", "seconds").values(0.2);

        assertThatThrownBy(() -> new EmailBackfill(db).run(run(calm))).hasMessageContaining("simulated crash");
        long before = db.checkpoint().rowsDone();
        assertThat(before).isPositive();

        db.crashOnWrite = -1;
        RunReport report = new EmailBackfill(db).run(run(calm));

        assertThat(report.state()).isEqualTo(RunState.COMPLETED);
        assertThat(report.rowsResumed()).isEqualTo(before);
        assertThat(report.rowsProcessed()).isEqualTo(ROWS);
        assertThat(db.allNormalizedOnce()).as("every row normalized, none twice").isTrue();
    }
}
