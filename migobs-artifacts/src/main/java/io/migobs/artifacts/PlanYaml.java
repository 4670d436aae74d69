package io.migobs.artifacts;

import io.migobs.MigrationPlan;
import io.migobs.artifacts.internal.PlanReader;
import io.migobs.artifacts.internal.PlanWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Plans as YAML, so an operator can review and change thresholds without recompiling. Loading is as strict as the
 * builders (it calls them): unknown keys, wrong types, unknown names and every builder rule fail with a
 * {@link PlanYamlException} naming the line, column and key. Signals, invariant checks, the rollback hook, progress
 * functions and source heads are code, bound by name through a {@link SignalRegistry}.
 *
 * <pre>{@code
 * name: 2026-11-customer-email-backfill
 * type: backfill
 * blastRadius: high
 * rollback: moderate
 * owner: team-accounts
 * totalRows: 200000
 * replicaLag: replica.lag
 * maintenanceWindow: 2h
 * gates:
 *   - name: replica-lag
 *     signal: replica.lag          # bound to the registered Signal named "replica.lag"
 *     yellowAbove: 5
 *     redAbove: 30
 *     holdSamples: 3
 *     sampleInterval: 5s
 * phases:
 *   - name: canary
 *     rows: 10000
 *     requireApproval: true
 *   - name: full
 * invariants:
 *   - name: email-checksum          # bound to the registered invariant of that name
 *     everyRows: 20000
 * onRollback:
 *   hook: delete-copied-rows
 *   steps: DELETE FROM customer_contacts WHERE source = 'backfill'
 * }</pre>
 *
 * <p>Durations are written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1h30m} (or ISO-8601); enum
 * values in lower case with dashes ({@code online-rewrite}, {@code treat-as-red}). Thread-safe: stateless.
 */
public final class PlanYaml {
    private PlanYaml() {
    }

    /**
     * Loads a plan from a YAML file.
     *
     * @param file the file (UTF-8)
     * @param registry binds signal, check and hook names to code
     * @return the validated plan
     * @throws NullPointerException if an argument is null
     * @throws IOException if the file cannot be read
     * @throws PlanYamlException if the YAML or the plan is invalid; the message names the file, line and key
     */
    public static MigrationPlan load(Path file, SignalRegistry registry) throws IOException {
        Objects.requireNonNull(file, "file cannot be null");
        Objects.requireNonNull(registry, "registry cannot be null");
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return PlanReader.read(r, file.getFileName().toString(), registry);
        }
    }

    /**
     * Loads a plan from YAML text.
     *
     * @param reader the YAML; not closed
     * @param sourceName how errors name the source (a file name)
     * @param registry binds signal, check and hook names to code
     * @return the validated plan
     * @throws NullPointerException if an argument is null
     * @throws PlanYamlException if the YAML or the plan is invalid; the message names the source, line and key
     */
    public static MigrationPlan load(Reader reader, String sourceName, SignalRegistry registry) {
        Objects.requireNonNull(reader, "reader cannot be null");
        Objects.requireNonNull(sourceName, "source name cannot be null");
        Objects.requireNonNull(registry, "registry cannot be null");
        return PlanReader.read(reader, sourceName, registry);
    }

    /**
     * Loads a plan from a YAML string; errors name the source {@code plan.yml}.
     *
     * @param yaml the YAML
     * @param registry binds signal, check and hook names to code
     * @return the validated plan
     * @throws NullPointerException if an argument is null
     * @throws PlanYamlException if the YAML or the plan is invalid
     */
    public static MigrationPlan parse(String yaml, SignalRegistry registry) {
        Objects.requireNonNull(yaml, "yaml cannot be null");
        return load(new StringReader(yaml), "plan.yml", registry);
    }

    /**
     * Writes a plan as YAML that {@link #load(Reader, String, SignalRegistry)} reads back into an equivalent plan.
     * Signals are written by their names; the rollback hook, invariant checks, a custom progress function and the
     * source head by the names they have in the registry.
     *
     * @param plan the plan
     * @param registry where the code-bound parts are registered
     * @return the YAML text
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a hook, check, progress function or source head of the plan is not in the
     *         registry (the YAML could not name it)
     */
    public static String toYaml(MigrationPlan plan, SignalRegistry registry) {
        Objects.requireNonNull(plan, "plan cannot be null");
        Objects.requireNonNull(registry, "registry cannot be null");
        return PlanWriter.write(plan, registry);
    }

    /**
     * Writes a plan to a YAML file (UTF-8), replacing it.
     *
     * @param plan the plan
     * @param registry where the code-bound parts are registered
     * @param file the file
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException as {@link #toYaml(MigrationPlan, SignalRegistry)}
     */
    public static void write(MigrationPlan plan, SignalRegistry registry, Path file) throws IOException {
        Objects.requireNonNull(file, "file cannot be null");
        Files.writeString(file, toYaml(plan, registry), StandardCharsets.UTF_8);
    }
}
