package io.migobs.internal;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.migobs.TimeSource;
import java.time.Duration;

/**
 * A rows-per-second cap on a Resilience4j {@link AtomicRateLimiter} whose clock is the run's time source, so a
 * manual clock drives it in tests. Permissions are rows; the limiter refreshes every 100 ms so a cap is smooth
 * rather than a burst at the start of each second. Thread-safe. Not API.
 */
public final class RateGovernor {
    private static final long REFRESH_NANOS = 100_000_000L;
    private final AtomicRateLimiter limiter;
    private final TimeSource time;
    private volatile double rate;

    public RateGovernor(String name, TimeSource time, double rowsPerSecond) {
        this.time = time;
        this.rate = rowsPerSecond;
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofNanos(REFRESH_NANOS))
                .limitForPeriod(perPeriod(rowsPerSecond))
                .timeoutDuration(Duration.ofDays(1))
                .build();
        this.limiter = new AtomicRateLimiter("migobs-" + name, config, time::nanoTime);
    }

    private static int perPeriod(double rowsPerSecond) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(rowsPerSecond * REFRESH_NANOS / 1e9)));
    }

    public double rate() {
        return rate;
    }

    public void changeRate(double rowsPerSecond) {
        if (rowsPerSecond != rate) {
            rate = rowsPerSecond;
            limiter.changeLimitForPeriod(perPeriod(rowsPerSecond));
        }
    }

    /**
     * Reserves {@code rows} permits and waits for them on the time source.
     *
     * @return nanoseconds waited
     */
    public long acquire(int rows) throws InterruptedException {
        int perPeriod = limiter.getRateLimiterConfig().getLimitForPeriod();
        long waited = 0;
        int left = rows;
        while (left > 0) {
            int take = Math.min(left, perPeriod);
            long wait = limiter.reservePermission(take);
            if (wait < 0) {
                wait = REFRESH_NANOS;
            }
            if (wait > 0) {
                time.sleepNanos(wait);
                waited += wait;
            }
            left -= take;
        }
        return waited;
    }
}
