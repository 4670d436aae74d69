package io.migobs.otel;

/**
 * Which batches of a run get a span of their own. Counting restarts at 1 in every phase; a <b>failed batch always
 * gets a span</b>, whatever the policy (created when it fails, with its start time set back by its duration, when it
 * was not chosen at its start).
 *
 * <p>The batches that get no span still run inside a context: a non-recording, <i>not sampled</i> child of the
 * phase span. With OpenTelemetry's default parent-based sampler the spans that other instrumentation (JDBC) creates
 * inside those batches are dropped too, which is what keeps a million-batch run cheap; their logs still carry the
 * run's {@code trace_id}.
 *
 * <p>The default, {@link #defaults()}, is {@code firstThenEvery(10, 100)}: the first 10 batches of each phase and
 * then every 100th (the 100th, 200th, …), plus every failed batch. A phase of a million batches then yields about
 * 10,010 batch spans.
 *
 * <p>Immutable and thread-safe.
 */
public final class BatchSpans {
    private static final BatchSpans DEFAULTS = new BatchSpans(10, 100);

    private final int first;
    private final int every;

    private BatchSpans(int first, int every) {
        this.first = first;
        this.every = every;
    }

    /**
     * Every batch gets a span. Fine for runs of a few thousand batches; expensive beyond.
     *
     * @return the policy
     */
    public static BatchSpans all() {
        return new BatchSpans(0, 1);
    }

    /**
     * Only failed batches get a span.
     *
     * @return the policy
     */
    public static BatchSpans failedOnly() {
        return new BatchSpans(0, 0);
    }

    /**
     * One batch in {@code n}: the first batch of each phase, then every {@code n}-th (the n-th, 2n-th, …), plus
     * every failed batch.
     *
     * @param n at least 1 (1 means every batch)
     * @return the policy
     * @throws IllegalArgumentException if n is below 1
     */
    public static BatchSpans sampled(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch span sampling 1 in n must have n >= 1, was " + n);
        }
        return new BatchSpans(1, n);
    }

    /**
     * The first {@code first} batches of each phase (the warm-up, where problems show), then every {@code every}-th
     * batch of the phase, plus every failed batch.
     *
     * @param first batches per phase that always get a span, at least 0
     * @param every then one in this many, at least 1
     * @return the policy
     * @throws IllegalArgumentException if first is negative or every is below 1
     */
    public static BatchSpans firstThenEvery(int first, int every) {
        if (first < 0) {
            throw new IllegalArgumentException("batch spans first must be >= 0, was " + first);
        }
        if (every < 1) {
            throw new IllegalArgumentException("batch spans every must be >= 1, was " + every);
        }
        return new BatchSpans(first, every);
    }

    /**
     * The default: {@code firstThenEvery(10, 100)} plus every failed batch.
     *
     * @return the policy
     */
    public static BatchSpans defaults() {
        return DEFAULTS;
    }

    /**
     * Whether the {@code n}-th batch of a phase gets a span when it starts (a failed batch gets one anyway).
     *
     * @param batchOfPhase the batch's number within its phase, from 1
     * @return true to trace the batch
     */
    public boolean isTraced(long batchOfPhase) {
        return batchOfPhase <= first || (every > 0 && batchOfPhase % every == 0);
    }

    @Override
    public String toString() {
        if (every == 0) {
            return "BatchSpans[failed only]";
        }
        return "BatchSpans[first " + first + " of each phase, then 1 in " + every + ", plus failed]";
    }
}
