package io.migobs;

/**
 * A named value with a unit, read on a schedule by the gates that watch it: replica lag in seconds, the batch error
 * rate as a ratio, active connections.
 *
 * <p>Reads happen on the thread that asks for the next batch, at most once per sample interval of each gate
 * that uses the signal. A read that throws, exceeds the gate's timeout, returns NaN, an infinite or a negative value,
 * or a reading older than the gate's maximum age makes the gate {@link GateState#UNKNOWN}.
 *
 * <p>Implementations must be safe to call from several threads, though the run never calls one concurrently.
 * Create simple ones with {@link Signals#of(String, String, Signals.Reader)}.
 */
public interface Signal {

    /**
     * The signal's name, used in logs, metrics tags and documents ({@code replica.lag}).
     *
     * @return a non-blank name
     */
    String name();

    /**
     * The unit of {@link #read()}'s value, spelled out ({@code seconds}, {@code ratio}, {@code connections}).
     *
     * @return a non-blank unit
     */
    String unit();

    /**
     * Reads the current value.
     *
     * @return the value in {@link #unit()}
     * @throws Exception when the value cannot be read; the gate then reads UNKNOWN
     */
    double read() throws Exception;

    /**
     * Reads the current value with the wall-clock time it was observed. Signals that report a cached value (a
     * heartbeat, a scraped metric) override this so a gate with a maximum age can detect that it stopped updating.
     * The default observes "now".
     *
     * @param time the run's time source
     * @return the value and when it was observed
     * @throws Exception when the value cannot be read
     */
    default Reading sample(TimeSource time) throws Exception {
        return new Reading(read(), time.wallTimeMillis());
    }

    /**
     * Where the value comes from, for the generated runbook and dashboard (a query, a metric, a system view).
     *
     * @return a short human description; by default the name
     */
    default String source() {
        return name();
    }

    /**
     * One observation of a signal.
     *
     * @param value the value in the signal's unit
     * @param observedAtMillis when it was observed, in milliseconds since the epoch
     */
    record Reading(double value, long observedAtMillis) {
    }
}
