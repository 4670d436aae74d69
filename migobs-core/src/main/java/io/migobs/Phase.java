package io.migobs;

import io.migobs.internal.Checks;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a rollout: canary, ramp, full. A phase has a quota (a number of rows, or the overall fraction of the
 * migration at which it ends; the last phase may have none and runs to the end), optional stricter limits, extra
 * gates that apply only while it runs, and a promotion rule.
 *
 * <p>Promotion to the next phase happens when the quota is done, every gate of the phase has been green for the
 * last {@link #greenSamplesToPromote()} samples, and every invariant passed at the boundary. A phase with
 * {@link #requiresApproval()} then waits for {@link MigrationRun#approve()}.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String)}.
 */
public final class Phase {

    /** Default number of consecutive green samples of every gate needed to promote: 3. */
    public static final int DEFAULT_GREEN_SAMPLES_TO_PROMOTE = 3;

    private final String name;
    private final long rows;
    private final double untilFraction;
    private final int maxBatchSize;
    private final double maxRowsPerSecond;
    private final List<Gate> gates;
    private final boolean requiresApproval;
    private final int greenSamplesToPromote;

    private Phase(Builder b) {
        this.name = b.name;
        this.rows = b.rows;
        this.untilFraction = b.untilFraction;
        this.maxBatchSize = b.maxBatchSize;
        this.maxRowsPerSecond = b.maxRowsPerSecond;
        this.gates = List.copyOf(b.gates);
        this.requiresApproval = b.requiresApproval;
        this.greenSamplesToPromote = b.greenSamplesToPromote;
    }

    /**
     * Starts a phase.
     *
     * @param name letters, digits, '.', '_', '-' ({@code canary}, {@code ramp}, {@code full})
     * @return a new builder
     * @throws NullPointerException if name is null
     * @throws IllegalArgumentException if name is blank or has other characters
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the phase's name */
    public String name() {
        return name;
    }

    /** @return the rows this phase processes, or 0 when its quota is a fraction or it is open-ended */
    public long rows() {
        return rows;
    }

    /** @return the overall fraction (0..1] at which this phase ends, or 0 when its quota is rows or none */
    public double untilFraction() {
        return untilFraction;
    }

    /** @return whether the phase has no quota and runs until the migration is done */
    public boolean isOpenEnded() {
        return rows == 0 && untilFraction == 0;
    }

    /** @return the phase's cap on batch size, or 0 when the plan's maximum applies */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return the phase's cap on rows per second, or 0 when the plan's cap applies */
    public double maxRowsPerSecond() {
        return maxRowsPerSecond;
    }

    /** @return gates that apply only during this phase, in addition to the plan's gates */
    public List<Gate> gates() {
        return gates;
    }

    /** @return whether the run waits for {@link MigrationRun#approve()} after this phase */
    public boolean requiresApproval() {
        return requiresApproval;
    }

    /** @return consecutive green samples of every gate needed to promote (default 3) */
    public int greenSamplesToPromote() {
        return greenSamplesToPromote;
    }

    @Override
    public String toString() {
        return "Phase[" + name + (rows > 0 ? " rows=" + rows : "")
                + (untilFraction > 0 ? " until=" + untilFraction : "") + "]";
    }

    /** Builds a {@link Phase}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private long rows;
        private double untilFraction;
        private int maxBatchSize;
        private double maxRowsPerSecond;
        private final List<Gate> gates = new ArrayList<>();
        private boolean requiresApproval;
        private int greenSamplesToPromote = DEFAULT_GREEN_SAMPLES_TO_PROMOTE;

        private Builder(String name) {
            this.name = Checks.identifier(name, "phase name");
        }

        /**
         * The phase processes this many rows.
         *
         * @param count positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         * @throws IllegalStateException if a fraction quota was set
         */
        public Builder rows(long count) {
            if (untilFraction > 0) {
                throw new IllegalStateException("phase '" + name + "' already ends at fraction " + untilFraction
                        + "; it cannot also have rows " + count);
            }
            this.rows = Checks.positive(count, "rows of phase '" + name + "'");
            return this;
        }

        /**
         * The phase ends when the whole migration reaches this fraction ({@code 0.10} for "ramp to 10%").
         *
         * @param fraction in (0, 1]
         * @return this builder
         * @throws IllegalArgumentException if outside (0, 1]
         * @throws IllegalStateException if a row quota was set
         */
        public Builder untilFraction(double fraction) {
            if (rows > 0) {
                throw new IllegalStateException("phase '" + name + "' already has rows " + rows
                        + "; it cannot also end at fraction " + fraction);
            }
            this.untilFraction = Checks.fraction(fraction, "untilFraction of phase '" + name + "'");
            return this;
        }

        /**
         * A stricter cap on batch size during this phase.
         *
         * @param size positive and at most the plan's maximum
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxBatchSize(int size) {
            this.maxBatchSize = (int) Checks.positive(size, "maxBatchSize of phase '" + name + "'");
            return this;
        }

        /**
         * A stricter cap on rows per second during this phase.
         *
         * @param rate positive rows per second
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxRowsPerSecond(double rate) {
            this.maxRowsPerSecond = Checks.positive(rate, "maxRowsPerSecond of phase '" + name + "'");
            return this;
        }

        /**
         * A gate that applies only during this phase.
         *
         * @param gate the gate; its name must not clash with the plan's gates
         * @return this builder
         */
        public Builder gate(Gate gate) {
            gates.add(Checks.notNull(gate, "gate of phase '" + name + "'"));
            return this;
        }

        /**
         * Wait for {@link MigrationRun#approve()} when this phase is done.
         *
         * @return this builder
         */
        public Builder requireApproval() {
            this.requiresApproval = true;
            return this;
        }

        /**
         * Consecutive green samples of every gate needed to promote.
         *
         * @param samples at least 1; default 3
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder greenSamplesToPromote(int samples) {
            this.greenSamplesToPromote = (int) Checks.positive(samples,
                    "greenSamplesToPromote of phase '" + name + "'");
            return this;
        }

        /**
         * Builds the phase. Cross-phase rules (quotas that overlap, open-ended phases before the last) are checked
         * by {@link MigrationPlan.Builder#build()}.
         *
         * @return an immutable phase
         */
        public Phase build() {
            return new Phase(this);
        }
    }
}
