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
 * then start one per period, as smoothly as batches allow. The limiter is rebuilt when the batch size or the rate
 * moves that period by more than 2% (the controller keeps the size steady between its readings, so this happens
 * about once a second); a rebuilt limiter starts with a full period of permissions.
 *
 * <p>The limiter bounds the long-run rate ({@value #CEILING}× the rate per period, so that it never adds a wait
 * of its own to a steady stream of batches); the exact pace is a schedule on top of it: each batch is due one
 * share of the rate ({@code rows / rate}) after the previous batch was due, or at once when it is already late
 * (a slow batch earns no burst afterwards). Without it, a limiter's periods are aligned to its clock, not to the
 * batches: a batch admitted late in one period and the next early in the following one run back to back, and a
 * stream whose starts drift through the periods runs a few percent fast for seconds at a time — enough for a
 * one-second window to hold one batch more than the rate, 10% at 0.1 s batches, which a latency signal near its
 * SLO turns into a violation. The schedule is kept in due times, not actual starts, so a late wake-up does not
 * slow every later batch: two starts are at least one share apart, less the lateness of the first one's wake-up;
 * and a shorter batch after a longer one is held back until it commits a share after it (see {@link #schedule}).
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
    private long lastDue = Long.MIN_VALUE / 2;
    private long lastShare;
    private int lastRows;
    private long holdUntil = Long.MIN_VALUE;
    /** The limiter's permissions per period over the rate's share of it. */
    static final double CEILING = 1.03;

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
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(CEILING * rowsPerSecond * period / 1e9)));
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
     * Takes the next slot of the schedule for a batch of {@code rows} whose permits were granted: due one share of
     * the rate after the previous batch was due, or now if that has passed. What a window of the database's load
     * sees is commits, not starts: a batch shorter than the previous one (the pace was cut) commits sooner after
     * its start, so it also waits until it would commit one share after the previous batch committed (its work
     * estimated as the previous batch's, from its due time to now, in proportion to the rows). When the batches
     * are slower than the rate that wait has already passed.
     *
     * @return how long to wait before the batch starts, in nanoseconds
     */
    private synchronized long schedule(int rows) {
        long now = time.nanoTime();
        long share = (long) (rows / rate * 1e9);
        long due = Math.max(Math.max(now, lastDue + lastShare), holdUntil);
        if (rows < lastRows && now > lastDue) {
            // a shorter batch commits sooner after its start: start it so that it commits a share after the
            // previous one did, its work taken as the previous batch's in proportion to its rows
            long previousWork = now - lastDue;
            due = Math.max(due, now - (long) ((double) previousWork * rows / lastRows) + share);
        }
        lastDue = due;
        lastShare = share;
        lastRows = rows;
        return due - now;
    }

    /**
     * No batch starts before {@code nanos} on the time source (a level signal's window must drain first: see
     * {@link BatchController#holdUntil()}); a later batch is spaced from that start.
     */
    public synchronized void holdUntil(long nanos) {
        holdUntil = Math.max(holdUntil, nanos);
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
     * Reserves {@code rows} permits and waits for them on the time source, then for the batch's slot in the
     * schedule. Thread-safe: workers sharing a run take successive slots.
     *
     * @return nanoseconds waited
     * @throws InterruptedException if interrupted while waiting
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
        long gap = schedule(rows);
        if (gap > 0) {
            time.sleepNanos(gap);
            waited += gap;
        }
        return waited;
    }
}
