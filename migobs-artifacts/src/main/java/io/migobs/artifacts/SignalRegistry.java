package io.migobs.artifacts;

import io.migobs.Invariant;
import io.migobs.RollbackAction;
import io.migobs.Signal;
import io.migobs.Signals;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds the names a YAML plan uses to code: signals (by {@link Signal#name()}), invariant checks, the rollback hook,
 * cursor progress functions and source-head suppliers. The run's own signals {@code batch.error.rate} and
 * {@code batch.latency} are always registered.
 *
 * <pre>{@code
 * SignalRegistry registry = SignalRegistry.builder()
 *         .signal(replicaLag)                          // bound as "replica.lag"
 *         .invariant("email-checksum", checksum)
 *         .rollback("delete-copied-rows", rollbackHook)
 *         .build();
 * MigrationPlan plan = PlanYaml.load(Path.of("plan.yml"), registry);
 * }</pre>
 *
 * <p>Immutable and thread-safe once built.
 */
public final class SignalRegistry {
    private final Map<String, Signal> signals;
    private final Map<String, Invariant> invariants;
    private final Map<String, RollbackAction> rollbacks;
    private final Map<String, ToDoubleFunction<Object>> progress;
    private final Map<String, LongSupplier> heads;

    private SignalRegistry(Builder b) {
        this.signals = Collections.unmodifiableMap(new LinkedHashMap<>(b.signals));
        this.invariants = Collections.unmodifiableMap(new LinkedHashMap<>(b.invariants));
        this.rollbacks = Collections.unmodifiableMap(new LinkedHashMap<>(b.rollbacks));
        this.progress = Collections.unmodifiableMap(new LinkedHashMap<>(b.progress));
        this.heads = Collections.unmodifiableMap(new LinkedHashMap<>(b.heads));
    }

    /** @return a new builder, with the built-in signals already registered */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a registry with only the built-in signals {@code batch.error.rate} and {@code batch.latency} */
    public static SignalRegistry builtIns() {
        return builder().build();
    }

    /** @return the signals by name, in registration order (built-ins first) */
    public Map<String, Signal> signals() {
        return signals;
    }

    /** @return the invariant checks by name */
    public Map<String, Invariant> invariants() {
        return invariants;
    }

    /** @return the rollback hooks by name */
    public Map<String, RollbackAction> rollbacks() {
        return rollbacks;
    }

    /** @return the cursor progress functions by name */
    public Map<String, ToDoubleFunction<Object>> progressFunctions() {
        return progress;
    }

    /** @return the source-head suppliers by name */
    public Map<String, LongSupplier> sourceHeads() {
        return heads;
    }

    /** Builds a {@link SignalRegistry}. Not thread-safe. Every method rejects a duplicate name. */
    public static final class Builder {
        private final Map<String, Signal> signals = new LinkedHashMap<>();
        private final Map<String, Invariant> invariants = new LinkedHashMap<>();
        private final Map<String, RollbackAction> rollbacks = new LinkedHashMap<>();
        private final Map<String, ToDoubleFunction<Object>> progress = new LinkedHashMap<>();
        private final Map<String, LongSupplier> heads = new LinkedHashMap<>();

        private Builder() {
            signal(Signals.batchErrorRate());
            signal(Signals.batchLatency());
        }

        private static <T> void put(Map<String, T> map, String kind, String name, T value) {
            Objects.requireNonNull(name, kind + " name cannot be null");
            Objects.requireNonNull(value, kind + " '" + name + "' cannot be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException(kind + " name cannot be blank");
            }
            if (map.containsKey(name)) {
                throw new IllegalArgumentException("duplicate " + kind + " name '" + name + "' (registered: "
                        + new TreeSet<>(map.keySet()) + ")");
            }
            map.put(name, value);
        }

        /**
         * Registers signals under their own {@link Signal#name()}.
         *
         * @param values the signals
         * @return this builder
         * @throws NullPointerException if a signal is null
         * @throws IllegalArgumentException if a name is already registered
         */
        public Builder signal(Signal... values) {
            for (Signal s : values) {
                Objects.requireNonNull(s, "signal cannot be null");
                put(signals, "signal", s.name(), s);
            }
            return this;
        }

        /**
         * Registers an invariant check; a YAML invariant binds the check of its own name unless it says
         * {@code check: other-name}.
         *
         * @param name the name
         * @param check the check
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the name is blank or already registered
         */
        public Builder invariant(String name, Invariant check) {
            put(invariants, "invariant", name, check);
            return this;
        }

        /**
         * Registers a rollback hook, named by {@code onRollback.hook} in YAML.
         *
         * @param name the name
         * @param action the hook
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the name is blank or already registered
         */
        public Builder rollback(String name, RollbackAction action) {
            put(rollbacks, "rollback hook", name, action);
            return this;
        }

        /**
         * Registers a cursor progress function, named by {@code progressFromCursor.function} in YAML.
         *
         * @param name the name
         * @param fractionOfCursor maps the last committed cursor to the fraction done, 0..1
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the name is blank or already registered
         */
        public Builder progress(String name, ToDoubleFunction<Object> fractionOfCursor) {
            put(progress, "progress function", name, fractionOfCursor);
            return this;
        }

        /**
         * Registers a source-head supplier for backlog lag, named by {@code sourceHead} in YAML.
         *
         * @param name the name
         * @param head supplies the source's current maximum key
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the name is blank or already registered
         */
        public Builder sourceHead(String name, LongSupplier head) {
            put(heads, "source head", name, head);
            return this;
        }

        /** @return the registry */
        public SignalRegistry build() {
            return new SignalRegistry(this);
        }
    }
}
