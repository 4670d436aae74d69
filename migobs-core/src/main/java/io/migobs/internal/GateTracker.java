package io.migobs.internal;

import io.migobs.Gate;
import io.migobs.GateState;

/**
 * The state machine of one gate: classifies samples by the effective thresholds and applies hold windows and
 * hysteresis (see {@link Gate}'s Javadoc for the rules). Not thread-safe: the run calls it under its lock. Not API.
 */
public final class GateTracker {
    private final Gate gate;
    private double yellow;
    private double red;
    private GateState state = GateState.GREEN;
    private GateState lastLevel = GateState.GREEN;
    private int redRun;
    private int badRun;
    private int goodRun;
    private int notRedRun;
    private double lastValue = Double.NaN;
    private String lastDetail = "no sample yet";
    private long samples;
    private long nextSampleAt = Long.MIN_VALUE;
    private boolean earlyRead;
    private boolean noAlign;
    private long observedMillis = Long.MIN_VALUE;
    private long observedNanos;
    private double baseline = Double.NaN;

    public GateTracker(Gate gate) {
        this.gate = gate;
        this.yellow = gate.yellowThreshold();
        this.red = gate.redThreshold();
    }

    public Gate gate() {
        return gate;
    }

    /** Applies a relative gate's baseline: thresholds become multiples of it. */
    public void baseline(double value) {
        this.baseline = value;
        if (gate.isRelative()) {
            yellow = gate.yellowThreshold() * value;
            red = gate.redThreshold() * value;
        }
    }


    public double yellow() {
        return yellow;
    }

    public double red() {
        return red;
    }

    /** The effective target the controller steers toward (a relative gate's multiple × baseline), or NaN. */
    public double target() {
        double t = gate.targetValue();
        return gate.isRelative() && !Double.isNaN(t) ? t * baseline : t;
    }

    /** Classifies one value by the thresholds, ignoring history. */
    public GateState level(double value) {
        if (!valid(value)) {
            return GateState.UNKNOWN;
        }
        if (!Double.isNaN(red) && beyond(value, red)) {
            return GateState.RED;
        }
        if (!Double.isNaN(yellow) && beyond(value, yellow)) {
            return GateState.YELLOW;
        }
        return GateState.GREEN;
    }

    public boolean valid(double value) {
        return !Double.isNaN(value) && !Double.isInfinite(value) && (gate.allowsNegative() || value >= 0);
    }

    private boolean beyond(double value, double threshold) {
        return gate.direction() == Gate.Direction.ABOVE ? value > threshold : value < threshold;
    }

    /**
     * Records one sample.
     *
     * @param value the reading, or NaN when it failed
     * @param detail what was seen (used when the reading failed)
     * @return the new state
     */
    public GateState record(double value, String detail) {
        GateState l = level(value);
        samples++;
        lastLevel = l;
        lastValue = value;
        lastDetail = detail;
        boolean countsRed = l == GateState.RED
                || (l == GateState.UNKNOWN && gate.unknownPolicy() == Gate.UnknownPolicy.TREAT_AS_RED);
        redRun = countsRed ? redRun + 1 : 0;
        badRun = l == GateState.GREEN ? 0 : badRun + 1;
        goodRun = l == GateState.GREEN ? goodRun + 1 : 0;
        notRedRun = countsRed || l == GateState.UNKNOWN ? 0 : notRedRun + 1;

        if (redRun >= gate.holdSamples() && (countsRed)) {
            state = GateState.RED;
        } else if (state == GateState.RED) {
            if (notRedRun >= gate.recoverSamples()) {
                state = goodRun >= gate.recoverSamples() ? GateState.GREEN : GateState.YELLOW;
            }
        } else if (l == GateState.UNKNOWN) {
            state = GateState.UNKNOWN;
        } else if (l == GateState.RED) {
            state = GateState.YELLOW; // a red value is never read as green while its hold window fills
        } else if (badRun >= gate.holdSamples()) {
            state = GateState.YELLOW;
        } else if (state != GateState.GREEN) {
            state = goodRun >= gate.recoverSamples() ? GateState.GREEN : GateState.YELLOW;
        }
        return state;
    }

    /** Whether the last sample was red-level (or unknown under a treat-as-red policy). */
    public boolean lastSampleCountsRed() {
        return redRun > 0;
    }

    public GateState state() {
        return state;
    }

    /** The level of the last sample alone. */
    public GateState lastLevel() {
        return lastLevel;
    }

    public double lastValue() {
        return lastValue;
    }

    public String lastDetail() {
        return lastDetail;
    }

    /** Consecutive green samples up to now. */
    public int greenRun() {
        return goodRun;
    }


    public long samples() {
        return samples;
    }

    public long nextSampleAt() {
        return nextSampleAt;
    }

    /**
     * When the last reading was observed, on the run's clock: {@code now - ageNanos}, except that a reading with the
     * same wall-clock observation time as the previous one (a source read again before it observed anew) gets the
     * same time as before. Its age is measured in whole milliseconds against a clock that is not, so computed anew
     * the same observation would move by up to a millisecond, and read as a new reading a millisecond after the
     * last.
     *
     * @param now the read's time, on the run's clock
     * @param ageNanos the reading's age (0 when unknown)
     * @param observedMillis the reading's wall-clock observation time, or {@link Long#MIN_VALUE} when it has none
     *        (the run's own statistics, observed when read)
     * @return the observation time on the run's clock
     */
    public long observedNanos(long now, long ageNanos, long observedMillis) {
        if (observedMillis == Long.MIN_VALUE || observedMillis != this.observedMillis) {
            this.observedMillis = observedMillis;
            this.observedNanos = now - ageNanos;
        }
        return observedNanos;
    }

    /**
     * Schedules the next read: one interval after the reading just taken was observed (its age given), so a source
     * that refreshes every interval is read soon after each refresh; once an interval after the read when the source
     * is older than an interval, or once an early read found a reading much older than the read was late (the
     * source's timestamps are offset, a clock skew: aligning would only read it more often, and shorten hold
     * windows, which count readings).
     *
     * @param now the read's time
     * @param intervalNanos the gate's sample interval
     * @param ageNanos the reading's age (0 when unknown)
     */
    public void scheduleNext(long now, long intervalNanos, long ageNanos) {
        // an early read, read when due, finds a reading about as old as the read is late; one much older means the
        // source's timestamps are offset (its clock is behind), and aligning would only read it more often
        long late = Math.max(0, now - nextSampleAt);
        if (earlyRead && ageNanos - late > intervalNanos / 2) {
            noAlign = true;
        }
        long delay = intervalNanos;
        if (!noAlign && ageNanos > 0 && ageNanos < intervalNanos) {
            delay = Math.max(intervalNanos / 10, intervalNanos - ageNanos);
        }
        earlyRead = delay < intervalNanos;
        this.nextSampleAt = now + delay;
    }

    /** A sentence explaining the current state with value, threshold and hold window. */
    public String explain(String unit) {
        String v = Double.isNaN(lastValue) ? "unreadable" : Fmt.num(lastValue) + " " + unit;
        String dir = gate.direction() == Gate.Direction.ABOVE ? "above" : "below";
        switch (state) {
            case RED:
                if (redRun == 0) {
                    return "gate '" + gate.name() + "' is RED: recovering, value " + v + ", " + notRedRun + " of "
                            + gate.recoverSamples() + " samples below red";
                }
                if (lastLevel == GateState.UNKNOWN) {
                    return "gate '" + gate.name() + "' is RED: signal unknown for " + redRun
                            + " samples (" + lastDetail + ") and its policy treats unknown as red";
                }
                return "gate '" + gate.name() + "' is RED: value " + v + " " + dir + " red threshold "
                        + Fmt.num(red) + " for " + redRun + " samples (hold " + gate.holdSamples() + ")";
            case YELLOW:
                if (lastLevel == GateState.RED) {
                    return "gate '" + gate.name() + "' is YELLOW: value " + v + " " + dir + " red threshold "
                            + Fmt.num(red) + " (" + redRun + " of " + gate.holdSamples() + " samples to red)";
                }
                if (lastLevel == GateState.GREEN) {
                    return "gate '" + gate.name() + "' is YELLOW: recovering, value " + v + ", " + goodRun + " of "
                            + gate.recoverSamples() + " green samples";
                }
                return "gate '" + gate.name() + "' is YELLOW: value " + v + " " + dir + " yellow threshold "
                        + Fmt.num(yellow) + " for " + badRun + " samples (hold " + gate.holdSamples() + ")";
            case UNKNOWN:
                return "gate '" + gate.name() + "' is UNKNOWN: " + lastDetail + " (treated as "
                        + (gate.unknownPolicy() == Gate.UnknownPolicy.TREAT_AS_RED ? "red after "
                        + gate.holdSamples() + " samples" : "yellow") + ")";
            default:
                return "gate '" + gate.name() + "' is GREEN: value " + v;
        }
    }
}
