package io.migobs.internal;

/**
 * Throughput over a sliding time window from a ring of (time, cumulative rows) points recorded at batch
 * completions. Recording is O(1) with no allocation; reading scans the ring. Not thread-safe. Not API.
 */
public final class RecentRate {
    private static final int SIZE = 256;
    private final long[] times = new long[SIZE];
    private final long[] cumulative = new long[SIZE];
    private final long windowNanos;
    private int next;
    private int count;
    private long baseTime;
    private long baseRows;

    public RecentRate(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** The point before any batch: the run's start. */
    public void start(long nanos, long rows) {
        baseTime = nanos;
        baseRows = rows;
    }

    public void record(long nanos, long cumulativeRows) {
        times[next] = nanos;
        cumulative[next] = cumulativeRows;
        next = (next + 1) % SIZE;
        if (count < SIZE) {
            count++;
        }
    }

    /** Rows per second over the last window ending at {@code now} (or since the oldest point kept). */
    public double rate(long now, long cumulativeRowsNow) {
        long from = now - windowNanos;
        long t0 = baseTime;
        long r0 = baseRows;
        boolean found = false;
        for (int i = 1; i <= count; i++) {
            int idx = (next - i + SIZE) % SIZE;
            if (times[idx] <= from) {
                t0 = times[idx];
                r0 = cumulative[idx];
                found = true;
                break;
            }
        }
        if (!found && count == SIZE) {
            int oldest = next % SIZE;
            t0 = times[oldest];
            r0 = cumulative[oldest];
        }
        if (now <= t0) {
            return 0;
        }
        // t0 is the last point at or before the window's start, so the span covers the whole window
        return (cumulativeRowsNow - r0) / ((now - t0) / 1e9);
    }
}
