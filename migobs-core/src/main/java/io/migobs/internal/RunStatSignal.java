package io.migobs.internal;

import io.migobs.Signal;
import io.migobs.Signals;

/** Signals a run measures about itself; the run resolves them instead of calling {@link #read()}. Not API. */
public final class RunStatSignal implements Signal {
    public static final RunStatSignal ERROR_RATE = new RunStatSignal("batch.error.rate", Signals.RATIO,
            "failed batches / batches over the last 100 batches (measured by migobs)");
    public static final RunStatSignal BATCH_LATENCY = new RunStatSignal("batch.latency", Signals.SECONDS,
            "EWMA of batch duration over ~10 batches (measured by migobs)");

    private final String name;
    private final String unit;
    private final String source;

    private RunStatSignal(String name, String unit, String source) {
        this.name = name;
        this.unit = unit;
        this.source = source;
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
    public String source() {
        return source;
    }

    @Override
    public double read() {
        throw new UnsupportedOperationException("signal '" + name + "' is measured by a running MigrationRun");
    }

    @Override
    public String toString() {
        return "Signal[" + name + " (" + unit + ", built-in)]";
    }
}
