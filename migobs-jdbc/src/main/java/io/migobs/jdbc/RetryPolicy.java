package io.migobs.jdbc;

import java.time.Duration;

/**
 * How a batch that failed with a transient SQL failure ({@link FailureKind#isTransient()}) is retried: the whole
 * batch is rolled back and run again after an exponential backoff (no jitter, so runs on a manual clock are
 * deterministic), at most {@link #maxAttempts()} times per batch and {@link #retryBudget()} retries per run; after a
 * {@link FailureKind#STATEMENT_TIMEOUT} the next attempt takes half the keys (down to one).
 * Immutable and thread-safe.
 */
public final class RetryPolicy {
    private static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final int retryBudget;

    private RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
            int retryBudget) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.multiplier = multiplier;
        this.retryBudget = retryBudget;
    }

    /**
     * The defaults: 5 attempts per batch, backoff 100 ms doubling up to 10 s, 100 retries per run.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /**
     * No retry: every failure fails the batch at once.
     *
     * @return the policy
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return attempts per batch including the first, at least 1 (default 5) */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the wait before the first retry (default 100 ms) */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return the longest wait between attempts (default 10 s) */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @return the factor between consecutive waits, at least 1 (default 2) */
    public double multiplier() {
        return multiplier;
    }

    /** @return retries allowed over the whole run, across batches (default 100); 0 disables retries */
    public int retryBudget() {
        return retryBudget;
    }

    /**
     * The wait before a retry.
     *
     * @param retry the retry's number, from 1
     * @return initialBackoff x multiplier^(retry-1), at most maxBackoff
     * @throws IllegalArgumentException if retry is below 1
     */
    public Duration backoff(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1 but was " + retry);
        }
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + "x" + multiplier + " up to "
                + maxBackoff + ", retryBudget=" + retryBudget + "]";
    }

    /** Builds a {@link RetryPolicy}. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double multiplier = 2.0;
        private int retryBudget = 100;

        private Builder() {
        }

        /**
         * @param attempts attempts per batch including the first, at least 1 (default 5)
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param initial the first wait, not negative (default 100 ms)
         * @param max the longest wait, not below initial (default 10 s)
         * @param multiplier the growth factor, at least 1 (default 2)
         * @return this builder
         * @throws IllegalArgumentException if a value is out of range
         * @throws NullPointerException if a duration is null
         */
        public Builder backoff(Duration initial, Duration max, double multiplier) {
            if (initial == null || max == null) {
                throw new NullPointerException("backoff durations cannot be null");
            }
            if (initial.isNegative()) {
                throw new IllegalArgumentException("initial backoff cannot be negative but was " + initial);
            }
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " must not be below initial backoff "
                        + initial);
            }
            if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoff multiplier must be a finite number >= 1 but was "
                        + multiplier);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            this.multiplier = multiplier;
            return this;
        }

        /**
         * @param retries retries over the whole run, at least 0 (default 100)
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder retryBudget(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retryBudget cannot be negative but was " + retries);
            }
            this.retryBudget = retries;
            return this;
        }

        /** @return the immutable policy */
        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, retryBudget);
        }
    }
}
