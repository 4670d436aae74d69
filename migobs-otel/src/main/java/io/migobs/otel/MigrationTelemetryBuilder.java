package io.migobs.otel;

import io.migobs.otel.internal.Settings;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;

/**
 * Configures {@link MigrationTelemetry}. Not thread-safe; {@link #build()} copies the settings, so the built
 * telemetry never changes.
 */
public final class MigrationTelemetryBuilder {
    private final OpenTelemetry openTelemetry;
    private String dbSystemName;
    private String dbCollectionName;
    private BatchSpans batchSpans = BatchSpans.defaults();
    private boolean logCorrelation = true;

    MigrationTelemetryBuilder(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
    }

    /**
     * The database product, recorded as {@code db.system.name} on run, phase and batch spans (the core knows no
     * database). Use the semantic-convention values: {@code postgresql}, {@code mysql}, {@code mariadb},
     * {@code h2}, …
     *
     * @param name default: not recorded
     * @return this builder
     * @throws NullPointerException if name is null
     * @throws IllegalArgumentException if name is blank
     */
    public MigrationTelemetryBuilder dbSystemName(String name) {
        this.dbSystemName = notBlank(name, "dbSystemName");
        return this;
    }

    /**
     * The table (collection) being migrated, recorded as {@code db.collection.name} on run, phase and batch spans.
     *
     * @param name default: not recorded
     * @return this builder
     * @throws NullPointerException if name is null
     * @throws IllegalArgumentException if name is blank
     */
    public MigrationTelemetryBuilder dbCollectionName(String name) {
        this.dbCollectionName = notBlank(name, "dbCollectionName");
        return this;
    }

    /**
     * Which batches get a span.
     *
     * @param policy default {@link BatchSpans#defaults()}: the first 10 of each phase, then 1 in 100, plus failures
     * @return this builder
     * @throws NullPointerException if policy is null
     */
    public MigrationTelemetryBuilder batchSpans(BatchSpans policy) {
        this.batchSpans = Objects.requireNonNull(policy, "batchSpans cannot be null");
        return this;
    }

    /**
     * Whether to put {@code trace_id}, {@code span_id} and {@code trace_flags} in the SLF4J MDC while a batch's
     * context is current on its thread (previous values are restored when the batch ends).
     *
     * @param enabled default true
     * @return this builder
     */
    public MigrationTelemetryBuilder logCorrelation(boolean enabled) {
        this.logCorrelation = enabled;
        return this;
    }

    /**
     * Builds the telemetry and creates its metric instruments.
     *
     * @return the telemetry
     */
    public MigrationTelemetry build() {
        return new MigrationTelemetry(openTelemetry,
                new Settings(dbSystemName, dbCollectionName, batchSpans, logCorrelation));
    }

    private static String notBlank(String value, String field) {
        Objects.requireNonNull(value, field + " cannot be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " cannot be blank, was '" + value + "'");
        }
        return value;
    }
}
