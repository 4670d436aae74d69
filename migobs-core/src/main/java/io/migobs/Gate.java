package io.migobs;

import io.migobs.internal.Checks;
import java.time.Duration;

/**
 * A safety gate: maps a {@link Signal} to {@link GateState#GREEN}, {@link GateState#YELLOW} or
 * {@link GateState#RED} by numeric thresholds held for a number of consecutive samples.
 *
 * <p><b>Semantics.</b> The signal is sampled every {@link #sampleInterval()} (default 1 s). A sample is classified
 * by the thresholds: for {@link Direction#ABOVE} a value strictly above red is red-level, strictly above yellow is
 * yellow-level, otherwise green-level ({@link Direction#BELOW} mirrors this). The gate:
 * <ul>
 *   <li>turns RED after {@link #holdSamples()} consecutive red-level samples;</li>
 *   <li>turns YELLOW after {@link #holdSamples()} consecutive samples at yellow level or worse, and
 *       <em>immediately</em> on a single red-level sample (a red value is never read as green while its hold
 *       window fills);</li>
 *   <li>returns to GREEN only after {@link #recoverSamples()} consecutive green-level samples (hysteresis); from RED
 *       it first needs {@link #recoverSamples()} samples below red;</li>
 *   <li>reads UNKNOWN, never GREEN, when the signal throws, exceeds {@link #readTimeout()}, returns NaN, an
 *       infinite or (unless {@link Builder#allowNegative()}) a negative value, or a reading older than
 *       {@link #maxAge()}; {@link #unknownPolicy()} says whether UNKNOWN acts as yellow (default) or counts toward
 *       red.</li>
 * </ul>
 * Thresholds are absolute, or — with {@link Builder#relativeToBaseline(BaselineStatistic)} — multiples of a
 * baseline statistic measured during the pre-flight window before the first batch (yellow at 1.5 × baseline p99).
 *
 * <p>A gate with a {@link Builder#target(double) target} also <em>steers</em>: on every fresh reading the run sets
 * its pace (rows per second) so that the signal settles at the target, below yellow, instead of running flat out
 * until the gate turns yellow. {@link Recommended} has such gates for replica lag and latency inflation.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String, Signal)}.
 */
public final class Gate {

    /** Which side of a threshold is bad. */
    public enum Direction {
        /** High values are bad (lag, latency, error rate). */
        ABOVE,
        /** Low values are bad (free disk, headroom, apdex). */
        BELOW
    }

    /** What a gate in the UNKNOWN state does. */
    public enum UnknownPolicy {
        /** Act as yellow (default): throttle or pause, never proceed at full speed. */
        TREAT_AS_YELLOW,
        /** Count toward red: after the hold window of unknown samples, the gate turns red. */
        TREAT_AS_RED
    }

    /** What a yellow gate does to the run. */
    public enum YellowAction {
        /** Shrink the batch size and the rate multiplicatively (default). */
        THROTTLE,
        /** Start no batch until the gate recovers. */
        PAUSE
    }

    /** Which statistic of the pre-flight samples is the baseline for relative thresholds. */
    public enum BaselineStatistic {
        /** Arithmetic mean. */
        MEAN,
        /** The 50th percentile. */
        MEDIAN,
        /** The 99th percentile (nearest rank). */
        P99,
        /** The largest sample. */
        MAX
    }

    /** Default number of consecutive samples for a threshold to trip: 3. */
    public static final int DEFAULT_HOLD_SAMPLES = 3;
    /** Default number of consecutive green samples to recover: 3. */
    public static final int DEFAULT_RECOVER_SAMPLES = 3;
    /** Default sample interval: 1 second. */
    public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(1);
    /** Default bound on one signal read: 10 seconds. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Signal signal;
    private final Direction direction;
    private final Double yellow;
    private final Double red;
    private final Double target;
    private final BaselineStatistic baseline;
    private final int holdSamples;
    private final int recoverSamples;
    private final Duration sampleInterval;
    private final Duration readTimeout;
    private final Duration maxAge;
    private final UnknownPolicy unknownPolicy;
    private final YellowAction yellowAction;
    private final boolean allowNegative;
    private final String description;

    private Gate(Builder b) {
        this.name = b.name;
        this.signal = b.signal;
        this.direction = b.direction == null ? Direction.ABOVE : b.direction;
        this.yellow = b.yellow;
        this.red = b.red;
        this.target = b.target;
        this.baseline = b.baseline;
        this.holdSamples = b.holdSamples;
        this.recoverSamples = b.recoverSamples;
        this.sampleInterval = b.sampleInterval;
        this.readTimeout = b.readTimeout;
        this.maxAge = b.maxAge;
        this.unknownPolicy = b.unknownPolicy;
        this.yellowAction = b.yellowAction;
        this.allowNegative = b.allowNegative;
        this.description = b.description;
    }

    /**
     * Starts a gate on a signal.
     *
     * @param name the gate's name: letters, digits, '.', '_', '-' (a metric tag and a heading in the runbook)
     * @param signal the signal it watches
     * @return a new builder
     * @throws NullPointerException if name or signal is null
     * @throws IllegalArgumentException if name is blank or has other characters
     */
    public static Builder builder(String name, Signal signal) {
        return new Builder(name, signal);
    }

    /** @return the gate's name */
    public String name() {
        return name;
    }

    /** @return the signal the gate watches */
    public Signal signal() {
        return signal;
    }

    /** @return which side of the thresholds is bad; {@link Direction#ABOVE} by default */
    public Direction direction() {
        return direction;
    }

    /**
     * The yellow threshold in the signal's unit, or — for a relative gate — as a multiple of the baseline.
     *
     * @return the threshold, or NaN when the gate has no yellow level
     */
    public double yellowThreshold() {
        return yellow == null ? Double.NaN : yellow;
    }

    /**
     * The red threshold in the signal's unit, or — for a relative gate — as a multiple of the baseline.
     *
     * @return the threshold, or NaN when the gate has no red level
     */
    public double redThreshold() {
        return red == null ? Double.NaN : red;
    }

    /**
     * The value the run steers this signal toward, in the signal's unit (or a baseline multiple for a relative
     * gate); see {@link Builder#target(double)}.
     *
     * @return the target, or NaN when the gate does not steer (the default)
     */
    public double targetValue() {
        return target == null ? Double.NaN : target;
    }

    /** @return whether the gate steers the run's pace toward a target */
    public boolean hasTarget() {
        return target != null;
    }

    /** @return whether the gate has a yellow level */
    public boolean hasYellow() {
        return yellow != null;
    }

    /** @return whether the gate has a red level */
    public boolean hasRed() {
        return red != null;
    }

    /** @return whether thresholds are multiples of a pre-flight baseline */
    public boolean isRelative() {
        return baseline != null;
    }

    /** @return the baseline statistic of a relative gate, or null for an absolute gate */
    public BaselineStatistic baselineStatistic() {
        return baseline;
    }

    /** @return consecutive samples needed to trip (default 3) */
    public int holdSamples() {
        return holdSamples;
    }

    /** @return consecutive green samples needed to recover (default 3) */
    public int recoverSamples() {
        return recoverSamples;
    }

    /** @return time between samples (default 1 s) */
    public Duration sampleInterval() {
        return sampleInterval;
    }

    /** @return the bound on one read of the signal (default 10 s); a slower read is UNKNOWN */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** @return the oldest acceptable reading, or null when readings are not checked for staleness (default) */
    public Duration maxAge() {
        return maxAge;
    }

    /** @return what UNKNOWN does (default {@link UnknownPolicy#TREAT_AS_YELLOW}) */
    public UnknownPolicy unknownPolicy() {
        return unknownPolicy;
    }

    /** @return what YELLOW does (default {@link YellowAction#THROTTLE}) */
    public YellowAction yellowAction() {
        return yellowAction;
    }

    /** @return whether negative values are valid readings (default false: negative is UNKNOWN) */
    public boolean allowsNegative() {
        return allowNegative;
    }

    /** @return why this gate exists, for the runbook; may be empty */
    public String description() {
        return description;
    }

    /**
     * How long a threshold must hold before the gate trips: hold samples × sample interval.
     *
     * @return the hold window
     */
    public Duration holdWindow() {
        return sampleInterval.multipliedBy(holdSamples);
    }

    @Override
    public String toString() {
        return "Gate[" + name + " on " + signal.name() + " " + direction + " yellow=" + yellow + " red=" + red
                + (target == null ? "" : " target=" + target)
                + (baseline == null ? "" : " x baseline " + baseline) + " hold=" + holdSamples + "]";
    }

    /**
     * Builds a {@link Gate}. Not thread-safe; {@link #build()} validates and copies.
     */
    public static final class Builder {
        private final String name;
        private final Signal signal;
        private Direction direction;
        private Double yellow;
        private Double red;
        private Double target;
        private BaselineStatistic baseline;
        private int holdSamples = DEFAULT_HOLD_SAMPLES;
        private int recoverSamples = DEFAULT_RECOVER_SAMPLES;
        private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private Duration maxAge;
        private UnknownPolicy unknownPolicy = UnknownPolicy.TREAT_AS_YELLOW;
        private YellowAction yellowAction = YellowAction.THROTTLE;
        private boolean allowNegative;
        private String description = "";

        private Builder(String name, Signal signal) {
            this.name = Checks.identifier(name, "gate name");
            this.signal = Checks.notNull(signal, "signal of gate '" + name + "'");
        }

        /**
         * Yellow when the value is strictly above {@code threshold}.
         *
         * @param threshold in the signal's unit (or a baseline multiple for a relative gate)
         * @return this builder
         * @throws IllegalArgumentException if not finite
         * @throws IllegalStateException if a BELOW threshold was set
         */
        public Builder yellowAbove(double threshold) {
            direction(Direction.ABOVE, "yellowAbove");
            this.yellow = Checks.finite(threshold, "yellow threshold of gate '" + name + "'");
            return this;
        }

        /**
         * Red when the value is strictly above {@code threshold}.
         *
         * @param threshold in the signal's unit (or a baseline multiple for a relative gate)
         * @return this builder
         * @throws IllegalArgumentException if not finite
         * @throws IllegalStateException if a BELOW threshold was set
         */
        public Builder redAbove(double threshold) {
            direction(Direction.ABOVE, "redAbove");
            this.red = Checks.finite(threshold, "red threshold of gate '" + name + "'");
            return this;
        }

        /**
         * Yellow when the value is strictly below {@code threshold}.
         *
         * @param threshold in the signal's unit (or a baseline multiple for a relative gate)
         * @return this builder
         * @throws IllegalArgumentException if not finite
         * @throws IllegalStateException if an ABOVE threshold was set
         */
        public Builder yellowBelow(double threshold) {
            direction(Direction.BELOW, "yellowBelow");
            this.yellow = Checks.finite(threshold, "yellow threshold of gate '" + name + "'");
            return this;
        }

        /**
         * Red when the value is strictly below {@code threshold}.
         *
         * @param threshold in the signal's unit (or a baseline multiple for a relative gate)
         * @return this builder
         * @throws IllegalArgumentException if not finite
         * @throws IllegalStateException if an ABOVE threshold was set
         */
        public Builder redBelow(double threshold) {
            direction(Direction.BELOW, "redBelow");
            this.red = Checks.finite(threshold, "red threshold of gate '" + name + "'");
            return this;
        }

        /**
         * Makes the gate steer: on every fresh sample the run's controller sets its pace (rows per second) so that
         * the signal settles at {@code value}, on the good side of the yellow threshold, instead of running flat out
         * until the gate turns yellow. The distance between target and yellow is the headroom that absorbs what the
         * controller cannot see in time (the sample's age and the interval until the next one). Without a target
         * (the default) the gate only acts when it changes state. See {@link Recommended} for targets chosen for
         * replica lag and latency inflation.
         *
         * @param value in the signal's unit (or a baseline multiple for a relative gate); must be finite, and
         *        positive for an ABOVE gate
         * @return this builder
         * @throws IllegalArgumentException if not finite, or not positive for a gate whose high values are bad
         */
        public Builder target(double value) {
            this.target = Checks.finite(value, "target of gate '" + name + "'");
            return this;
        }

        private void direction(Direction d, String method) {
            if (direction != null && direction != d) {
                throw new IllegalStateException("gate '" + name + "' mixes directions: " + method
                        + " cannot follow a threshold " + direction.name().toLowerCase(java.util.Locale.ROOT));
            }
            direction = d;
        }

        /**
         * Makes the thresholds multiples of a baseline statistic measured in the plan's pre-flight window.
         *
         * @param statistic which statistic of the pre-flight samples
         * @return this builder
         */
        public Builder relativeToBaseline(BaselineStatistic statistic) {
            this.baseline = Checks.notNull(statistic, "baseline statistic of gate '" + name + "'");
            return this;
        }

        /**
         * Consecutive samples a threshold must hold to trip.
         *
         * @param samples at least 1; default 3
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder holdSamples(int samples) {
            this.holdSamples = (int) Checks.positive(samples, "holdSamples of gate '" + name + "'");
            return this;
        }

        /**
         * Consecutive green samples needed to return to green.
         *
         * @param samples at least 1; default 3
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder recoverSamples(int samples) {
            this.recoverSamples = (int) Checks.positive(samples, "recoverSamples of gate '" + name + "'");
            return this;
        }

        /**
         * Time between samples.
         *
         * @param interval positive; default 1 s
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder sampleInterval(Duration interval) {
            this.sampleInterval = Checks.positive(interval, "sampleInterval of gate '" + name + "'");
            return this;
        }

        /**
         * Bound on one read; a slower read is UNKNOWN (the read runs on a helper thread).
         *
         * @param timeout positive; default 10 s
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Checks.positive(timeout, "readTimeout of gate '" + name + "'");
            return this;
        }

        /**
         * The oldest acceptable reading ({@link Signal#sample(TimeSource)}'s observation time); an older one is
         * UNKNOWN: the signal stopped updating.
         *
         * @param age positive; default none
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder maxAge(Duration age) {
            this.maxAge = Checks.positive(age, "maxAge of gate '" + name + "'");
            return this;
        }

        /**
         * What UNKNOWN does.
         *
         * @param policy default {@link UnknownPolicy#TREAT_AS_YELLOW}
         * @return this builder
         */
        public Builder whenUnknown(UnknownPolicy policy) {
            this.unknownPolicy = Checks.notNull(policy, "unknown policy of gate '" + name + "'");
            return this;
        }

        /**
         * What YELLOW does.
         *
         * @param action default {@link YellowAction#THROTTLE}
         * @return this builder
         */
        public Builder onYellow(YellowAction action) {
            this.yellowAction = Checks.notNull(action, "yellow action of gate '" + name + "'");
            return this;
        }

        /**
         * Accept negative readings as valid (by default a negative reading is UNKNOWN).
         *
         * @return this builder
         */
        public Builder allowNegative() {
            this.allowNegative = true;
            return this;
        }

        /**
         * Why the gate exists, printed in the runbook.
         *
         * @param text a sentence
         * @return this builder
         */
        public Builder description(String text) {
            this.description = Checks.notNull(text, "description of gate '" + name + "'");
            return this;
        }

        /**
         * Validates and builds the gate.
         *
         * @return an immutable gate
         * @throws IllegalArgumentException if it has no threshold, yellow is beyond red, or a relative multiple is
         *         not positive
         */
        public Gate build() {
            if (yellow == null && red == null) {
                throw new IllegalArgumentException("gate '" + name + "' needs a yellow or a red threshold");
            }
            if (yellow != null && red != null) {
                boolean ok = direction == Direction.ABOVE ? yellow < red : yellow > red;
                if (!ok) {
                    throw new IllegalArgumentException("yellow threshold " + yellow + " must be "
                            + (direction == Direction.ABOVE ? "below" : "above") + " red threshold " + red
                            + " for gate '" + name + "'");
                }
            }
            if (target != null) {
                Direction d = direction == null ? Direction.ABOVE : direction;
                Double limit = yellow != null ? yellow : red;
                boolean ok = d == Direction.ABOVE ? target > 0 && target < limit : target > limit;
                if (!ok) {
                    throw new IllegalArgumentException("target " + target + " must be "
                            + (d == Direction.ABOVE ? "above 0 and below" : "above") + " the "
                            + (yellow != null ? "yellow" : "red") + " threshold " + limit + " for gate '" + name
                            + "'");
                }
            }
            if (baseline != null) {
                if (yellow != null && yellow <= 0) {
                    throw new IllegalArgumentException("relative yellow threshold " + yellow
                            + " must be a positive multiple of the baseline for gate '" + name + "'");
                }
                if (red != null && red <= 0) {
                    throw new IllegalArgumentException("relative red threshold " + red
                            + " must be a positive multiple of the baseline for gate '" + name + "'");
                }
            }
            return new Gate(this);
        }
    }

}
