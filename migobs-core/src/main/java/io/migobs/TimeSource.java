package io.migobs;

import java.util.concurrent.TimeUnit;

/**
 * Where a run gets its time: a monotonic clock for durations, a wall clock for timestamps, and a way to wait.
 * Inject {@link io.migobs.testing.ManualTimeSource} in tests so nothing sleeps on the real clock; the same time
 * source drives the Resilience4j rate limiter.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TimeSource {

    /**
     * Monotonic time for measuring durations.
     *
     * @return nanoseconds from an arbitrary origin
     */
    long nanoTime();

    /**
     * Wall-clock time for timestamps in reports and logs.
     *
     * @return milliseconds since the epoch
     */
    long wallTimeMillis();

    /**
     * Waits for the given time. A manual time source advances its clock instead.
     *
     * @param nanos how long to wait, in nanoseconds; zero or negative returns at once
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleepNanos(long nanos) throws InterruptedException;

    /**
     * The real clock: {@link System#nanoTime()}, {@link System#currentTimeMillis()} and {@link Thread#sleep}.
     *
     * @return a shared, thread-safe instance
     */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}

/** The real clock. */
enum SystemTimeSource implements TimeSource {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long wallTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }
}
