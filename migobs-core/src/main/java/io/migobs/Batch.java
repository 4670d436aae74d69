package io.migobs;

/**
 * One batch handed out by {@link MigrationRun#nextBatch()}: how many rows to take now, in which phase. Finish it
 * exactly once with {@link #complete(long, Object)} (or a variant) or {@link #fail(Throwable)}; a second call throws
 * {@link IllegalStateException}.
 *
 * <p>A batch belongs to the thread that took it, but may be finished from another thread.
 */
public interface Batch {

    /** @return the batch number, from 1 */
    long sequence();

    /** @return how many rows to take now (within the plan's min/max, and within what is left of the phase) */
    int size();

    /** @return the phase this batch belongs to */
    String phase();

    /** @return the last committed cursor before this batch (where to continue), or null at the start */
    Object startCursor();

    /**
     * The batch succeeded.
     *
     * @param rows rows processed, at least 0
     * @throws IllegalStateException if already finished
     * @throws IllegalArgumentException if rows is negative
     */
    void complete(long rows);

    /**
     * The batch succeeded and the cursor moved.
     *
     * @param rows rows processed, at least 0
     * @param cursor where the next batch continues (the last key written); becomes {@link #startCursor()} of later
     *        batches and feeds progress from a key range
     * @throws IllegalStateException if already finished
     * @throws IllegalArgumentException if rows is negative
     */
    void complete(long rows, Object cursor);

    /**
     * The batch succeeded and the source has no more rows: the run completes once no batch is in flight.
     *
     * @param rows rows processed, at least 0
     * @param cursor the last key written, or null
     * @throws IllegalStateException if already finished
     * @throws IllegalArgumentException if rows is negative
     */
    void completeLast(long rows, Object cursor);

    /**
     * The batch failed; nothing of it must have been applied (roll its transaction back first). Counts toward the
     * error rate and the plan's maximum of consecutive failures.
     *
     * @param error why
     * @throws IllegalStateException if already finished
     */
    void fail(Throwable error);

    /** @return whether complete or fail was called */
    boolean isFinished();
}
