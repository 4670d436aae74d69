package io.migobs.testing;

import io.migobs.Signal;
import io.migobs.TimeSource;
import io.migobs.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Signal} that plays a script, one step per read: values, failures, hangs and stale readings. After the
 * last step, the last step repeats. {@link #set(double)} replaces the script with a constant from another thread.
 *
 * <pre>{@code
 * ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").values(0.2, 0.3).repeat(8.0, 3).then(40.0);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ScriptedSignal implements Signal {

    private interface Step {
        Signal.Reading read(TimeSource time) throws Exception;
    }

    private final String name;
    private final String unit;
    private final List<Step> steps = new ArrayList<>();
    private final AtomicInteger position = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile Step override;

    private ScriptedSignal(String name, String unit) {
        this.name = Checks.notBlank(name, "signal name");
        this.unit = Checks.notBlank(unit, "unit of signal '" + name + "'");
    }

    /**
     * A signal with an empty script (reads 0 until a step is added).
     *
     * @param name the signal's name
     * @param unit its unit
     * @return the signal
     */
    public static ScriptedSignal named(String name, String unit) {
        return new ScriptedSignal(name, unit);
    }

    /**
     * Appends values, one per read.
     *
     * @param values the values
     * @return this signal
     */
    public synchronized ScriptedSignal values(double... values) {
        for (double v : values) {
            steps.add(t -> new Signal.Reading(v, t.wallTimeMillis()));
        }
        return this;
    }

    /**
     * Appends one value.
     *
     * @param value the value
     * @return this signal
     */
    public ScriptedSignal then(double value) {
        return values(value);
    }

    /**
     * Appends a value repeated {@code times} reads.
     *
     * @param value the value
     * @param times how many reads, at least 1
     * @return this signal
     */
    public synchronized ScriptedSignal repeat(double value, int times) {
        Checks.positive(times, "times");
        for (int i = 0; i < times; i++) {
            values(value);
        }
        return this;
    }

    /**
     * Appends a read that throws.
     *
     * @param error what the read throws
     * @return this signal
     */
    public synchronized ScriptedSignal thenThrow(Exception error) {
        Checks.notNull(error, "error");
        steps.add(t -> {
            throw error;
        });
        return this;
    }

    /**
     * Appends a read that blocks (on the real clock) until interrupted: a hang, for read-timeout tests.
     *
     * @return this signal
     */
    public synchronized ScriptedSignal thenHang() {
        steps.add(t -> {
            Thread.sleep(Long.MAX_VALUE);
            return null;
        });
        return this;
    }

    /**
     * Appends a reading observed {@code ageMillis} before the read: a signal that stopped updating.
     *
     * @param value the stale value
     * @param ageMillis how old it is, in milliseconds
     * @return this signal
     */
    public synchronized ScriptedSignal thenStale(double value, long ageMillis) {
        steps.add(t -> new Signal.Reading(value, t.wallTimeMillis() - ageMillis));
        return this;
    }

    /**
     * Replaces the script by a constant value from now on.
     *
     * @param value the value
     */
    public void set(double value) {
        override = t -> new Signal.Reading(value, t.wallTimeMillis());
    }

    /** @return how many times the signal was read */
    public int reads() {
        return reads.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public double read() throws Exception {
        return sample(TimeSource.system()).value();
    }

    @Override
    public Signal.Reading sample(TimeSource time) throws Exception {
        reads.incrementAndGet();
        Step o = override;
        if (o != null) {
            return o.read(time);
        }
        Step step;
        synchronized (this) {
            if (steps.isEmpty()) {
                return new Signal.Reading(0, time.wallTimeMillis());
            }
            int i = position.getAndIncrement();
            step = steps.get(Math.min(i, steps.size() - 1));
        }
        return step.read(time);
    }

    @Override
    public String source() {
        return "scripted (test)";
    }

    @Override
    public String toString() {
        return "ScriptedSignal[" + name + "]";
    }
}
