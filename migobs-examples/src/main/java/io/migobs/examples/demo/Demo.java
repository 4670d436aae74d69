package io.migobs.examples.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.migobs.BatchEvent;
import io.migobs.BlastRadius;
import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.MigrationType;
import io.migobs.Phase;
import io.migobs.RollbackComplexity;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.Signal;
import io.migobs.Signals;
import io.migobs.artifacts.MigrationArtifacts;
import io.migobs.examples.otel.OtelSetup;
import io.migobs.examples.support.UrlDataSource;
import io.migobs.jdbc.Checkpoint;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.jdbc.JdbcChecksum;
import io.migobs.jdbc.signal.DatabaseSignals;
import io.migobs.otel.MigrationTelemetry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The demo: a real, resumable backfill of a new column on an embedded H2 table (or any database given with
 * {@code --db}), through {@code migobs-jdbc}, with phases canary → ramp → full, a checksum invariant every N rows,
 * a replica-lag gate fed by a SIMULATED load spike (or a real PostgreSQL replica with {@code --replica}), a live
 * console view, Prometheus metrics, and the runbook, dashboard, alerts, closeout and summary written at the end.
 */
public final class Demo {
    /** The migration's name: the checkpoint key, the metrics tag and the documents' file names. */
    public static final String MIGRATION = "demo-orders-tax-backfill";
    /** Exit code: completed, every invariant passed, the full-table verification passed. */
    public static final int OK = 0;
    /** Exit code: an error (bad flag, database unreachable, verification mismatch). */
    public static final int ERROR = 1;
    /** Exit code: a gate (or an invariant) aborted the migration. */
    public static final int ABORTED = 2;

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param o the options
     * @param out where the console view and the summary go
     * @return the exit code: {@link #OK}, {@link #ABORTED} or {@link #ERROR}
     * @throws Exception on a database or file error (the caller maps it to {@link #ERROR})
     */
    public static int run(DemoOptions o, PrintStream out) throws Exception {
        Files.createDirectories(o.out());
        Path log = o.out().resolve("migobs-demo.log");
        try (DemoLog redirect = DemoLog.to(log)) {
            return body(o, out, log);
        }
    }

    private static int body(DemoOptions o, PrintStream out, Path log) throws Exception {
        String url = o.dbUrl();
        DataSource ds = UrlDataSource.fromEnv(url, "MIGOBS_DB");
        DemoTable table = new DemoTable(ds);
        JdbcBackfill backfill = JdbcBackfill.builder(ds, DemoTable.TABLE).keyColumns("id")
                .statement(DemoTable.STATEMENT).build();

        out.println("migobs demo: backfill the new column demo_orders.tax_cents = " + DemoTable.NEW_VALUE);
        out.println("database   : " + UrlDataSource.describe(url) + (o.db() == null ? " (embedded H2)" : ""));
        Optional<Checkpoint> cp = prepare(o, table, backfill, out);
        long total = backfill.countRows();
        long resumed = cp.map(Checkpoint::rowsDone).orElse(0L);

        Signal lag;
        SimulatedLoad load = null;
        if (o.replica() != null) {
            lag = DatabaseSignals.on(UrlDataSource.fromEnv(o.replica(), "MIGOBS_REPLICA")).postgresReplayLagOnReplica();
            out.println("lag signal : REAL replay lag of the PostgreSQL replica " + UrlDataSource.describe(o.replica()));
        } else {
            double rate = o.effectiveRate();
            load = new SimulatedLoad(o.scenario(), total, rate > 0 ? total / rate : 10);
            load.rows(resumed);
            lag = load;
            out.println("lag signal : SIMULATED (H2 has no replica), scenario " + o.scenario().name()
                    .toLowerCase(Locale.ROOT) + ": " + describe(o.scenario()));
        }
        MigrationPlan plan = plan(o, total, lag, ds);
        out.println("plan       : " + total + " rows; phases " + phases(plan) + "; gates replica.lag (yellow > 5 s,"
                + " red > 30 s) and batch.error.rate; checksum every " + checksumEvery(total) + " rows; rate cap "
                + (plan.maxRowsPerSecond() > 0 ? Math.round(plan.maxRowsPerSecond()) + " rows/s" : "none"));

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServer metrics = o.metricsPort() > 0 ? new MetricsServer(registry, o.metricsPort()) : null;
        if (metrics != null) {
            out.println("metrics    : http://127.0.0.1:" + metrics.port() + "/metrics (Prometheus)");
        }
        out.println();
        ConsoleView view = new ConsoleView(out, o.interactive(), load != null ? "simulated" : "replica");
        SimulatedLoad feed = load;
        MigrationListener rows = new MigrationListener() {
            @Override
            public void onBatchEnd(BatchEvent event) {
                if (feed != null) {
                    feed.addRows(event.rows());
                }
            }
        };
        out.println("decisions  : logged with their values (key=value) to " + log);
        RunReport report;
        // Ctrl-C (or a kill) ends the JVM mid-batch: the open transaction is rolled back, the checkpoint keeps every
        // committed batch, and the same command resumes from it
        Thread interrupted = new Thread(() -> out.println(System.lineSeparator() + "interrupted: every committed"
                + " batch is in the checkpoint; run the same command again to resume"));
        Runtime.getRuntime().addShutdownHook(interrupted);
        // OpenTelemetry: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else the logging exporter into the demo's log
        java.util.logging.Logger otelLog = java.util.logging.Logger.getLogger("io.opentelemetry.exporter.logging");
        java.util.logging.FileHandler otelFile = new java.util.logging.FileHandler(
                o.out().resolve("migobs-demo-otel.log").toString(), true);
        otelFile.setFormatter(new java.util.logging.SimpleFormatter());
        otelLog.addHandler(otelFile);
        otelLog.setUseParentHandlers(false);
        io.opentelemetry.sdk.OpenTelemetrySdk otel = OtelSetup.fromEnvironment();
        MigrationTelemetry telemetry = MigrationTelemetry.create(otel);
        out.println("telemetry  : OpenTelemetry traces and metrics -> " + (System.getenv(OtelSetup.ENDPOINT) == null
                ? "logging exporter, " + o.out().resolve("migobs-demo-otel.log")
                : OtelSetup.describe(System.getenv())));
        try {
            report = backfill.run(plan, b -> b.meterRegistry(registry).listener(view).listener(rows)
                    .listener(telemetry.listener()));
        } finally {
            telemetry.close();
            otel.close();
            otelLog.removeHandler(otelFile);
            otelFile.close();
            Runtime.getRuntime().removeShutdownHook(interrupted);
            view.close();
            if (metrics != null) {
                metrics.close();
            }
        }
        out.println();

        int code;
        if (report.state() == RunState.COMPLETED) {
            DemoTable.Verification v = table.verify();
            out.println(v.describe(total));
            code = report.succeeded() && v.ok(total) ? OK : ERROR;
        } else {
            out.printf(Locale.ROOT, "%s after %,d of %,d rows: %s%n", report.state(), report.rowsProcessed(), total,
                    report.reason());
            out.println("the checkpoint keeps the position: run the same command again to resume"
                    + (o.scenario() == DemoOptions.Scenario.RED ? " (with --scenario none to let it finish)" : ""));
            code = report.state() == RunState.ABORTED ? ABORTED : ERROR;
        }
        if (report.rowsResumed() > 0) {
            out.printf(Locale.ROOT, "resumed    : %,d rows were already done by an earlier, interrupted run%n",
                    report.rowsResumed());
        }

        MigrationArtifacts docs = MigrationArtifacts.of(plan).withReport(report);
        List<Path> files = docs.write(o.out());
        out.println();
        out.println("documents written to " + o.out().toAbsolutePath() + ":");
        for (Path f : files) {
            out.println("  " + f.getFileName());
        }
        Path summary = files.stream().filter(f -> f.getFileName().toString().endsWith("-summary.md")).findFirst()
                .orElseThrow();
        out.println();
        out.println(Files.readString(summary, StandardCharsets.UTF_8));
        out.println("exit code " + code + (code == OK ? " (completed, every invariant passed)"
                : code == ABORTED ? " (aborted by a gate or an invariant)" : " (error)"));
        return code;
    }

    /** Creates the table, or resumes the interrupted run, or starts over after a completed one. */
    private static Optional<Checkpoint> prepare(DemoOptions o, DemoTable table, JdbcBackfill backfill,
            PrintStream out) throws Exception {
        Optional<Checkpoint> cp = table.exists() ? backfill.checkpoint(MIGRATION) : Optional.empty();
        if (cp.isPresent() && cp.get().status() == Checkpoint.Status.RUNNING) {
            out.printf(Locale.ROOT, "resuming   : from the checkpoint at %,d rows (cursor %s, phase %s) of %,d%s%n",
                    cp.get().rowsDone(), cp.get().cursor(), cp.get().phase(), table.count(),
                    table.count() != o.rows() ? " (the table's size, not --rows)" : "");
            return cp;
        }
        if (cp.isPresent()) {
            out.println("setup      : the previous demo run completed; starting a fresh one");
        } else if (table.exists() && table.count() == o.rows()) {
            out.println("setup      : reusing the table of " + o.rows() + " rows (no batch ran yet)");
            return cp;
        }
        long t0 = System.nanoTime();
        table.drop();
        backfill.resetCheckpoint(MIGRATION);
        table.create(o.rows());
        out.printf(Locale.ROOT, "setup      : created demo_orders with %,d rows and the new empty column tax_cents"
                + " in %.1f s%n", o.rows(), (System.nanoTime() - t0) / 1e9);
        return Optional.empty();
    }

    static long checksumEvery(long total) {
        return Math.max(1000, total / 8);
    }

    static MigrationPlan plan(DemoOptions o, long total, Signal lag, DataSource ds) {
        long canary = Math.max(100, Math.min(2000, total / 50));
        JdbcChecksum checksum = JdbcChecksum.builder(ds, DemoTable.TABLE).keyColumns("id")
                .sourceExpressions(DemoTable.NEW_VALUE).target(ds, DemoTable.TABLE).targetColumns("tax_cents")
                .build();
        Duration sample = Duration.ofMillis(250);
        double rate = o.effectiveRate();
        // Under a rate cap a batch waits for its permits before it starts, and no gate is sampled during that
        // wait: keep a batch to about a quarter second of the cap so the gates are read several times a second.
        int max = rate > 0 ? (int) Math.max(50, Math.min(5000, rate / 4)) : 5000;
        MigrationPlan.Builder b = MigrationPlan.builder(MIGRATION)
                .summary("Backfill the new column demo_orders.tax_cents = amount_cents * 21 / 100 on every row, in"
                        + " place, keyset-paginated by id, one transaction per batch with the checkpoint.")
                .type(MigrationType.BACKFILL).blastRadius(BlastRadius.MEDIUM).rollback(RollbackComplexity.TRIVIAL)
                .owner("migobs demo").escalation("#migobs-demo (simulated on-call)")
                .totalRows(total)
                .replicaLag(lag)
                .batchSize(Math.min(200, max), 50, max).targetBatchTime(Duration.ofMillis(250))
                .progressLogInterval(Duration.ofSeconds(5))
                .errorBudget(0.02)
                .phase(Phase.builder("canary").rows(canary).maxBatchSize(Math.min(200, max)).build())
                .phase(Phase.builder("ramp").untilFraction(0.25).build())
                .phase(Phase.builder("full").build())
                .gate(Gate.builder("replica.lag", lag).yellowAbove(5).redAbove(30).sampleInterval(sample)
                        .holdSamples(2).recoverSamples(2)
                        .description("Readers of the replica must see data at most 5 s old; 30 s is an incident.")
                        .build())
                .gate(Gate.builder("batch.error.rate", Signals.batchErrorRate()).yellowAbove(0.02).redAbove(0.10)
                        .sampleInterval(sample)
                        .description("Failed batches out of the last 100: a few retries are fine, 10% is not.")
                        .build())
                .invariant("tax-checksum", Cadence.everyRows(checksumEvery(total)), checksum,
                        "Rows written since the previous check: COUNT and XOR of row hashes of amount_cents * 21 / 100"
                                + " against tax_cents, in the database; a mismatch is red with the key range.")
                .note("simulation", o.replica() == null
                        ? "The replica lag is SIMULATED (the embedded H2 database has no replica): "
                                + describe(o.scenario())
                        : "The replica lag is the real replay lag of a PostgreSQL replica.");
        if (rate > 0) {
            b.maxRowsPerSecond(rate);
        }
        return b.build();
    }

    private static String phases(MigrationPlan plan) {
        StringBuilder s = new StringBuilder();
        for (Phase p : plan.phases()) {
            s.append(s.length() == 0 ? "" : " -> ").append(p.name());
            if (p.rows() > 0) {
                s.append(" (").append(p.rows()).append(" rows)");
            } else if (p.untilFraction() > 0) {
                s.append(" (to ").append(Math.round(p.untilFraction() * 100)).append("%)");
            }
        }
        return s.toString();
    }

    private static String describe(DemoOptions.Scenario s) {
        return switch (s) {
            case SPIKE -> "at 45% of the rows a simulated load spike lifts the lag to 9 s for a few seconds"
                    + " (yellow: batch size and rate drop), then it recovers";
            case RED -> "at 40% of the rows the simulated lag jumps to 45 s, past the 30 s red threshold (the run aborts,"
                    + " exit 2)";
            case NONE -> "no load, the lag stays near 0.3 s";
        };
    }
}
