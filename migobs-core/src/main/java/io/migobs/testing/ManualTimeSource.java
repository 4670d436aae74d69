package io.migobs.testing;

import io.migobs.TimeSource;
import io.migobs.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that only moves when told: {@link #advance(Duration)} moves it, and
 * {@link #sleepNanos(long)} moves it by the requested time instead of waiting. A run driven by it is deterministic
 * and instant. The monotonic and wall clocks move together.
 *
 * <p>Thread-safe. When several threads sleep on it, each sleep advances the shared clock.
 */
public final class ManualTimeSource implements TimeSource {
    private final AtomicLong nanos = new AtomicLong();
    private final long wallOriginMillis;

    /** A clock at monotonic time 0 and wall time 2026-01-01T00:00:00Z. */
    public ManualTimeSource() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * A clock at monotonic time 0 and the given wall time.
     *
     * @param wallStart the wall-clock time at monotonic 0
     */
    public ManualTimeSource(Instant wallStart) {
        this.wallOriginMillis = Checks.notNull(wallStart, "wallStart").toEpochMilli();
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long wallTimeMillis() {
        return wallOriginMillis + nanos.get() / 1_000_000L;
    }

    /**
     * Advances the clock by {@code nanos} at once; yields the thread so that others sharing the clock may run.
     *
     * @param nanos nanoseconds; zero or negative does nothing
     */
    @Override
    public void sleepNanos(long nanos) {
        if (nanos > 0) {
            this.nanos.addAndGet(nanos);
        }
        Thread.yield();
    }

    /**
     * Moves the clock forward.
     *
     * @param duration not negative
     * @return this time source
     * @throws IllegalArgumentException if negative
     */
    public ManualTimeSource advance(Duration duration) {
        nanos.addAndGet(Checks.notNegative(duration, "advance").toNanos());
        return this;
    }

    /**
     * The monotonic time as a duration since 0.
     *
     * @return elapsed manual time
     */
    public Duration elapsed() {
        return Duration.ofNanos(nanos.get());
    }
}
