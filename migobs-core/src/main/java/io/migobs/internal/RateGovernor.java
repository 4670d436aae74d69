package io.migobs.internal;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.migobs.TimeSource;
import java.time.Duration;

/**
 * A rows-per-second cap on a Resilience4j {@link AtomicRateLimiter} whose clock is the run's time source, so a
 * manual clock drives it in tests. Permissions are rows. Thread-safe. Not API.
 *
 * <p>The limiter refreshes its permissions every period and does not carry unused ones over, so the period must
 * cover a whole batch: a batch of more rows than one period allows would wait for the rest in the next period, and
 * while its work runs, further periods would pass with their permissions lost, delivering far less than the rate.
 * And a batch of fewer rows than the period allows, admitted mid-period, leaves permissions that the next batch
 * cannot fully use. The period is therefore the time one batch's rows take at the rate, never shorter than 1 ms
 * nor longer than {@value #MAX_PERIOD_SECONDS} s (a larger batch is admitted in parts): batches of a steady size
 * then start one per period, at exactly the rate, as smoothly as batches allow. The limiter is rebuilt when the
 * batch size or the rate moves that period by more than 2% (the controller keeps the size steady between its
 * readings, so this happens about once a second); a rebuilt limiter starts with a full period of permissions,
 * which the spacing below keeps from starting two batches back to back.
 */
public final class RateGovernor {
    private static final long MIN_PERIOD_NANOS = 1_000_000L;
    private static final long INITIAL_PERIOD_NANOS = 100_000_000L;
    static final double MAX_PERIOD_SECONDS = 1.0;
    private static final double REBUILD = 1.02;
    private final String name;
    private final TimeSource time;
    private volatile AtomicRateLimiter limiter;
    private volatile double rate;
    private volatile long periodNanos;
    private long lastStart = Long.MIN_VALUE / 2;
    private long lastShare;
    static final double SPACING = 0.98;

    public RateGovernor(String name, TimeSource time, double rowsPerSecond) {
        this.name = name;
        this.time = time;
        this.rate = rowsPerSecond;
        this.periodNanos = INITIAL_PERIOD_NANOS;
        this.limiter = build(rowsPerSecond, INITIAL_PERIOD_NANOS);
    }

    private AtomicRateLimiter build(double rowsPerSecond, long period) {
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofNanos(period))
                .limitForPeriod(perPeriod(rowsPerSecond, period))
                .timeoutDuration(Duration.ofDays(1))
                .build();
        return new AtomicRateLimiter("migobs-" + name, config, time::nanoTime);
    }

    private static int perPeriod(double rowsPerSecond, long period) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(rowsPerSecond * period / 1e9)));
    }

    public double rate() {
        return rate;
    }

    /** The current refresh period in nanoseconds (for tests). */
    long periodNanos() {
        return periodNanos;
    }

    public synchronized void changeRate(double rowsPerSecond) {
        if (rowsPerSecond != rate) {
            rate = rowsPerSecond;
            limiter.changeLimitForPeriod(perPeriod(rowsPerSecond, periodNanos));
        }
    }

    /**
     * The limiter's periods are aligned to its clock, not to the batches: a batch admitted late in one period and
     * the next one early in the following period run back to back, twice the rate for a moment (and a slightly
     * late wake-up each time drifts every batch toward that). So, once its permits are granted, a batch also waits
     * until {@value #SPACING} of the previous batch's share of the rate has passed since the previous start; the
     * limiter still holds the long-run rate.
     *
     * @return how long to wait, once the permits are granted, before the batch starts, in nanoseconds
     */
    private synchronized long spacing() {
        return Math.max(0, lastStart + lastShare - time.nanoTime());
    }

    /** Records the start of a batch of {@code rows}, after its permits were granted. */
    private synchronized void started(int rows) {
        lastStart = time.nanoTime();
        lastShare = (long) (SPACING * rows / rate * 1e9);
    }

    /** Rebuilds the limiter when a batch of {@code rows} wants a period far from the current one. */
    private synchronized AtomicRateLimiter fit(int rows) {
        double r = rate;
        long want = (long) Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_SECONDS * 1e9, rows / r * 1e9));
        boolean tooSmall = rows > limiter.getRateLimiterConfig().getLimitForPeriod()
                && periodNanos < MAX_PERIOD_SECONDS * 1e9;
        if (tooSmall || want > periodNanos * REBUILD || want * REBUILD < periodNanos) {
            periodNanos = want;
            limiter = build(r, want);
        }
        return limiter;
    }

    /**
     * Reserves {@code rows} permits and waits for them on the time source.
     *
     * @return nanoseconds waited
     */
    public long acquire(int rows) throws InterruptedException {
        AtomicRateLimiter l = fit(rows);
        int perPeriod = l.getRateLimiterConfig().getLimitForPeriod();
        long waited = 0;
        int left = rows;
        while (left > 0) {
            int take = Math.min(left, perPeriod);
            long wait = l.reservePermission(take);
            if (wait < 0) {
                wait = periodNanos;
            }
            if (wait > 0) {
                time.sleepNanos(wait);
                waited += wait;
            }
            left -= take;
        }
        long gap = spacing();
        if (gap > 0) {
            time.sleepNanos(gap);
            waited += gap;
        }
        started(rows);
        return waited;
    }
}
