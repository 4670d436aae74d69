package io.migobs.jdbc;

import io.migobs.TimeSource;
import io.migobs.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A manual clock that records every sleep and runs a hook on the first one (to release a lock during backoff). */
final class HookedTime implements TimeSource {
    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
    private volatile ThrowingRunnable onFirstSleep;

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    HookedTime onFirstSleep(ThrowingRunnable hook) {
        this.onFirstSleep = hook;
        return this;
    }

    List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public long nanoTime() {
        return clock.nanoTime();
    }

    @Override
    public long wallTimeMillis() {
        return clock.wallTimeMillis();
    }

    @Override
    public void sleepNanos(long nanos) {
        sleeps.add(Duration.ofNanos(nanos));
        ThrowingRunnable h = onFirstSleep;
        onFirstSleep = null;
        if (h != null) {
            try {
                h.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        clock.sleepNanos(nanos);
    }
}
