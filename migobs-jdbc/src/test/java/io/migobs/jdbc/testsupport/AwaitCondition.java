package io.migobs.jdbc.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waits for an external system (a database, a replica, a child process) to reach a condition, polling with a
 * bounded deadline — Awaitility-style. Not a timing assertion: the deadline only turns "never happened" into a
 * failure instead of a hang. Use it only where the condition depends on real time passing on another system (replay
 * lag building up, a blocked session appearing in a monitoring view); everything else in the tests uses
 * {@code ManualTimeSource}.
 */
public final class AwaitCondition {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private AwaitCondition() {
    }

    /**
     * Polls {@code probe} until its value satisfies {@code condition}.
     *
     * @param what a description for the failure message
     * @param cap the deadline (real time)
     * @param probe reads the value; an exception counts as "not yet" and is reported if the deadline passes
     * @param condition the condition
     * @param <T> the value's type
     * @return the first value that satisfied the condition
     * @throws AssertionError if the deadline passes first
     */
    public static <T> T until(String what, Duration cap, Callable<T> probe, Predicate<T> condition) {
        long deadline = System.nanoTime() + cap.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.call();
                lastError = null;
                if (condition.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError err = new AssertionError("gave up after " + cap + " waiting for " + what
                        + "; last value " + last + (lastError == null ? "" : ", last error " + lastError));
                if (lastError != null) {
                    err.initCause(lastError);
                }
                throw err;
            }
            // Waiting on another system's progress (not asserting a timing): park briefly between polls.
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
