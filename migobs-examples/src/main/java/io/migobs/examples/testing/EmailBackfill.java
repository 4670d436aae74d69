package io.migobs.examples.testing;

import io.migobs.Batch;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A user's own migration code, written against a small storage interface so it can be unit-tested (see
 * {@code EmailBackfillTest}): normalizes customers' e-mails batch by batch, as large as the {@link MigrationRun}
 * says, and saves each batch together with its checkpoint, so that after a crash a new run resumes exactly where
 * the last committed batch ended.
 */
public final class EmailBackfill {

    /** A customer row. */
    public record Customer(long id, String email, String normalized) {
    }

    /** Where the checkpoint stands: the last committed id and the rows done. */
    public record Checkpoint(long lastId, long rowsDone) {
    }

    /** The storage the migration needs; a JDBC or JPA implementation in production, in memory in tests. */
    public interface Customers {
        /**
         * Reads customers after an id, in id order.
         *
         * @param afterId the exclusive lower bound
         * @param limit at most this many
         * @return the customers
         */
        List<Customer> after(long afterId, int limit);

        /**
         * Writes normalized customers and the new checkpoint in one transaction.
         *
         * @param normalized the customers with their normalized e-mail
         * @param checkpoint the checkpoint after them
         */
        void save(List<Customer> normalized, Checkpoint checkpoint);

        /** @return the last saved checkpoint, or {@code (0, 0)} before the first batch */
        Checkpoint checkpoint();
    }

    private final Customers customers;

    /**
     * The migration over a storage.
     *
     * @param customers the storage
     */
    public EmailBackfill(Customers customers) {
        this.customers = customers;
    }

    /**
     * Runs (or resumes) the backfill until it completes or a gate aborts it.
     *
     * @param run a configured run builder (plan, time source, meter registry); resumed here from the checkpoint
     * @return the report
     */
    public RunReport run(MigrationRun.Builder run) {
        Checkpoint cp = customers.checkpoint();
        try (MigrationRun r = run.resumeFrom(cp.rowsDone(), cp.lastId() == 0 ? null : cp.lastId()).start()) {
            long rows = cp.rowsDone();
            while (r.hasNext()) {
                Batch batch = r.nextBatch();
                long after = batch.startCursor() == null ? 0 : (Long) batch.startCursor();
                List<Customer> page = customers.after(after, batch.size());
                if (page.isEmpty()) {
                    batch.completeLast(0, after);
                    continue;
                }
                List<Customer> normalized = new ArrayList<>(page.size());
                for (Customer c : page) {
                    normalized.add(new Customer(c.id(), c.email(), c.email().trim().toLowerCase(Locale.ROOT)));
                }
                long last = page.get(page.size() - 1).id();
                rows += page.size();
                customers.save(normalized, new Checkpoint(last, rows));
                if (page.size() < batch.size()) {
                    batch.completeLast(page.size(), last);
                } else {
                    batch.complete(page.size(), last);
                }
            }
            return r.report();
        }
    }
}
