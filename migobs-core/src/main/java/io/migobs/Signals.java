package io.migobs;

import io.migobs.internal.Checks;
import io.migobs.internal.RunStatSignal;

/**
 * Factories for {@link Signal}s, including the ones a run measures about itself.
 *
 * <p>Thread-safe; every method returns a new immutable signal.
 */
public final class Signals {

    /** Unit for durations and lag. */
    public static final String SECONDS = "seconds";
    /** Unit for a fraction between 0 and 1. */
    public static final String RATIO = "ratio";
    /** Unit for counts of rows. */
    public static final String ROWS = "rows";
    /** Unit for a throughput. */
    public static final String ROWS_PER_SECOND = "rows/s";

    private Signals() {
    }

    /**
     * Reads one value; may throw.
     */
    @FunctionalInterface
    public interface Reader {
        /**
         * Reads the value.
         *
         * @return the value
         * @throws Exception when it cannot be read
         */
        double read() throws Exception;
    }

    /**
     * A signal from a function.
     *
     * @param name the signal's name, such as {@code replica.lag}
     * @param unit the unit of the values, such as {@link #SECONDS}
     * @param reader reads the value
     * @return a new signal
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if name or unit is blank
     */
    public static Signal of(String name, String unit, Reader reader) {
        return of(name, unit, name, reader);
    }

    /**
     * A signal from a function, with a description of where it comes from for the generated documents.
     *
     * @param name the signal's name, such as {@code replica.lag}
     * @param unit the unit of the values, such as {@link #SECONDS}
     * @param source where the value comes from (a query, a metric)
     * @param reader reads the value
     * @return a new signal
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if name, unit or source is blank
     */
    public static Signal of(String name, String unit, String source, Reader reader) {
        String n = Checks.notBlank(name, "signal name");
        String u = Checks.notBlank(unit, "unit of signal '" + name + "'");
        String s = Checks.notBlank(source, "source of signal '" + name + "'");
        Checks.notNull(reader, "reader of signal '" + name + "'");
        return new Signal() {
            @Override
            public String name() {
                return n;
            }

            @Override
            public String unit() {
                return u;
            }

            @Override
            public double read() throws Exception {
                return reader.read();
            }

            @Override
            public String source() {
                return s;
            }

            @Override
            public String toString() {
                return "Signal[" + n + " (" + u + ")]";
            }
        };
    }

    /**
     * The fraction of the run's recent batches that failed (the last 100 batches), as measured by the run itself.
     * Reads 0 before the first batch.
     *
     * @return the built-in signal {@code batch.error.rate}, unit {@link #RATIO}
     */
    public static Signal batchErrorRate() {
        return RunStatSignal.ERROR_RATE;
    }

    /**
     * The run's recent batch duration (exponentially weighted mean over about the last 10 batches), as measured
     * by the run itself. Reads 0 before the first batch.
     *
     * @return the built-in signal {@code batch.latency}, unit {@link #SECONDS}
     */
    public static Signal batchLatency() {
        return RunStatSignal.BATCH_LATENCY;
    }
}
