package io.migobs.artifacts.internal;

import java.time.Duration;

/**
 * The Prometheus names of the meters migobs-core registers (internal/RunMetrics), as Micrometer's Prometheus naming
 * convention exports them: dots become underscores, the base unit is appended, counters end in {@code _total}.
 * A test scrapes a real run through a PrometheusMeterRegistry and checks every name used here. Not API.
 */
public final class Prom {
    public static final String ROWS = "migobs_rows_total";
    public static final String BATCHES = "migobs_batches_total";
    public static final String BATCH_DURATION_BUCKET = "migobs_batch_duration_seconds_bucket";
    public static final String BATCH_SIZE = "migobs_batch_size_rows";
    public static final String RATE_LIMIT = "migobs_rate_limit_rows_per_second";
    public static final String THROUGHPUT = "migobs_throughput_rows_per_second";
    public static final String PROGRESS = "migobs_progress_ratio";
    public static final String ETA = "migobs_eta_seconds";
    public static final String LAG = "migobs_lag_seconds";
    public static final String BACKLOG = "migobs_backlog_keys";
    public static final String GATE_STATE = "migobs_gate_state";
    public static final String GATE_VALUE = "migobs_gate_value";
    public static final String GATE_THRESHOLD = "migobs_gate_threshold";
    public static final String THROTTLED = "migobs_throttled_seconds_total";
    public static final String PAUSED = "migobs_paused_seconds_total";
    public static final String INVARIANT_CHECKS = "migobs_invariant_checks_total";
    public static final String INVARIANT_ROWS = "migobs_invariant_rows_total";
    public static final String RUN_STATE = "migobs_run_state";
    public static final String RUN_START = "migobs_run_start_time_seconds";
    public static final String PHASE_ACTIVE = "migobs_phase_active";
    /** Counted by migobs-jdbc (not the core) in the run's registry; absent for runs without it. */
    public static final String JDBC_RETRIES = "migobs_jdbc_retries_total";

    /** Every metric name the generated dashboard and alert rules may use. */
    public static final java.util.List<String> ALL = java.util.List.of(ROWS, BATCHES, BATCH_DURATION_BUCKET, BATCH_SIZE,
            RATE_LIMIT, THROUGHPUT, PROGRESS, ETA, LAG, BACKLOG, GATE_STATE, GATE_VALUE, GATE_THRESHOLD, THROTTLED,
            PAUSED, INVARIANT_CHECKS, INVARIANT_ROWS, RUN_STATE, PHASE_ACTIVE);

    private Prom() {
    }

    /**
     * A selector: {@code metric{migration="m",k="v"}}.
     *
     * @param metric the metric name
     * @param migration the migration label's value (a literal, or {@code $migration} in a dashboard)
     * @param labels further label names and values, alternating
     */
    public static String sel(String metric, String migration, String... labels) {
        StringBuilder sb = new StringBuilder(metric).append("{migration=\"").append(migration).append('"');
        for (int i = 0; i < labels.length; i += 2) {
            sb.append(',').append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
        }
        return sb.append('}').toString();
    }

    /** A number exactly as written in PromQL: the shortest decimal that reads back as the same double. */
    public static String num(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Escapes a label value for a PromQL string literal. */
    public static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** A Prometheus duration: 90 s is {@code 1m30s}, 500 ms is {@code 500ms}; at least 1 ms. */
    public static String duration(Duration d) {
        long ms = Math.max(1, d.toMillis());
        StringBuilder sb = new StringBuilder();
        long h = ms / 3_600_000;
        ms %= 3_600_000;
        long m = ms / 60_000;
        ms %= 60_000;
        long s = ms / 1000;
        ms %= 1000;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (s > 0) {
            sb.append(s).append('s');
        }
        if (ms > 0) {
            sb.append(ms).append("ms");
        }
        return sb.toString();
    }
}
