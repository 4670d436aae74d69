package io.migobs.artifacts;

import io.micrometer.core.instrument.MeterRegistry;
import io.migobs.Batch;
import io.migobs.BlastRadius;
import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.Invariant;
import io.migobs.InvariantResult;
import io.migobs.RollbackAction;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.MigrationType;
import io.migobs.Phase;
import io.migobs.RollbackComplexity;
import io.migobs.RunReport;
import io.migobs.Signal;
import io.migobs.Signals;
import io.migobs.testing.ManualTimeSource;
import java.time.Duration;

/** The representative plan the golden files are rendered from, and a deterministic run of it. */
final class Fixtures {
    static final String NAME = "2026-11-customer-email-backfill";
    static final long TOTAL = 200_000;

    private Fixtures() {
    }

    /** The signals behind the plan, as functions of the run's manual clock. */
    static final class Script {
        final ManualTimeSource time = new ManualTimeSource();
        final java.util.function.DoubleUnaryOperator lagAt;

        final Signal lagSignal;
        final Signal latency = Signals.of("orders.query.p99", Signals.SECONDS,
                "p99 of `SELECT … FROM orders` from pg_stat_statements, sampled every 5 s", () -> 0.012);
        final Signal disk = Signals.of("disk.free", Signals.RATIO, "node_filesystem_avail_bytes / size on the primary",
                () -> 0.55);
        final Invariant checksum = ctx -> InvariantResult.pass(500);
        final RollbackAction rollback = reason -> { };

        private Script(java.util.function.DoubleUnaryOperator lagAt) {
            this.lagAt = lagAt;
            this.lagSignal = Signals.of("replica.lag", Signals.SECONDS,
                    "now() - heartbeat.ts on the replica (heartbeat row written every 100 ms)", this::lag);
        }

        /** Green throughout. */
        static Script green() {
            return new Script(t -> 0.4);
        }

        /** Replica lag reads 8.5 s (yellow) from 50 s to 80 s into the run, in the ramp, then recovers. */
        static Script lagSpike() {
            return new Script(t -> t >= 50 && t < 80 ? 8.5 : 0.4);
        }

        double lag() {
            return lagAt.applyAsDouble(time.elapsed().toMillis() / 1000.0);
        }
    }

    static Signal lag(Script s) {
        return s.lagSignal;
    }

    static SignalRegistry registry(Script s) {
        return SignalRegistry.builder().signal(s.lagSignal, s.latency, s.disk)
                .invariant("email-checksum", s.checksum).rollback("delete-copied-rows", s.rollback).build();
    }

    static MigrationPlan plan(Script s) {
        Signal lag = s.lagSignal;
        Signal latency = s.latency;
        Signal disk = s.disk;
        return MigrationPlan.builder(NAME)
                .summary("Copy customers.email into the new customer_contacts table so the old column can be"
                        + " dropped next quarter. All 200,000 customers; the application already dual-writes.")
                .type(MigrationType.BACKFILL)
                .blastRadius(BlastRadius.HIGH)
                .rollback(RollbackComplexity.MODERATE)
                .owner("team-accounts")
                .escalation("accounts-oncall (PagerDuty)")
                .totalRows(TOTAL)
                .replicaLag(lag)
                .batchSize(500, 100, 5_000)
                .targetBatchTime(Duration.ofMillis(500))
                .maxRowsPerSecond(2_000)
                .maintenanceWindow(Duration.ofHours(2))
                .errorBudget(0.01)
                .gate(Gate.builder("replica-lag", lag).yellowAbove(5).redAbove(30)
                        .sampleInterval(Duration.ofSeconds(5)).holdSamples(3)
                        .description("Do replicas keep up with the copy?").build())
                .gate(Gate.builder("batch-errors", Signals.batchErrorRate()).yellowAbove(0.01).redAbove(0.05)
                        .holdSamples(5).build())
                .gate(Gate.builder("orders-latency", latency).yellowAbove(1.5).redAbove(3)
                        .relativeToBaseline(Gate.BaselineStatistic.P99).sampleInterval(Duration.ofSeconds(5))
                        .description("Does the copy slow down the orders page?").build())
                .phase(Phase.builder("canary").rows(10_000).maxBatchSize(500).requireApproval().build())
                .phase(Phase.builder("ramp").untilFraction(0.25).maxRowsPerSecond(1_000).build())
                .phase(Phase.builder("full")
                        .gate(Gate.builder("disk-free", disk).yellowBelow(0.2).redBelow(0.1)
                                .sampleInterval(Duration.ofSeconds(10)).onYellow(Gate.YellowAction.PAUSE).build())
                        .build())
                .invariant("email-checksum", Cadence.everyRows(20_000), s.checksum,
                        "CRC32 of (id, email) over 500 random migrated ids, old vs new table")
                .onRollback(s.rollback, "DELETE FROM customer_contacts WHERE source = 'backfill'; the old column"
                        + " is untouched")
                .note("correctness", "Rows written by the application during the copy are reconciled by the"
                        + " dual write; the checksum compares only rows the backfill wrote.")
                .build();
    }

    /** Runs the plan to completion on a manual clock; approves the canary; each row takes 0.25 ms. */
    static RunReport run(MigrationPlan plan, Script script, MeterRegistry registry) {
        ManualTimeSource time = script.time;
        try (MigrationRun run = MigrationRun.builder(plan).meterRegistry(registry).timeSource(time).start()) {
            long cursor = 0;
            while (run.hasNext()) {
                Batch b = run.nextBatch();
                time.advance(Duration.ofMillis(Math.max(1, b.size() / 4)));
                cursor += b.size();
                b.complete(b.size(), cursor);
                if (cursor >= 9_000 && cursor < 11_000) {
                    run.approve();
                }
            }
            return run.report();
        }
    }

    /**
     * A fixed report of the representative plan, written out by hand so the golden files do not move when the
     * core's controller is tuned: canary approved, replica lag yellow for 23 s in the ramp, completed.
     */
    static RunReport report() {
        long t0 = java.time.Instant.parse("2026-11-20T09:00:00Z").toEpochMilli();
        java.util.List<io.migobs.GateChange> gates = java.util.List.of(
                new io.migobs.GateChange(NAME, "ramp", "replica-lag", io.migobs.GateState.GREEN,
                        io.migobs.GateState.YELLOW, 8.5, 5, 30, "seconds", "gate 'replica-lag' is YELLOW: value 8.5"
                        + " seconds above yellow threshold 5 for 3 samples (hold 3)", t0 + 68_000),
                new io.migobs.GateChange(NAME, "ramp", "replica-lag", io.migobs.GateState.YELLOW,
                        io.migobs.GateState.GREEN, 0.4, 5, 30, "seconds", "gate 'replica-lag' is GREEN: value 0.4"
                        + " seconds", t0 + 91_000));
        java.util.List<io.migobs.DecisionChange> decisions = java.util.List.of(
                new io.migobs.DecisionChange(NAME, "canary", io.migobs.Decision.PROCEED, io.migobs.Decision.PAUSE,
                        "phase 'canary' done: awaiting approval", 500, 2000, t0 + 10_000),
                new io.migobs.DecisionChange(NAME, "ramp", io.migobs.Decision.PAUSE, io.migobs.Decision.PROCEED,
                        "approved by operator", 500, 1000, t0 + 40_000),
                new io.migobs.DecisionChange(NAME, "ramp", io.migobs.Decision.PROCEED, io.migobs.Decision.THROTTLE,
                        "gate 'replica-lag' is YELLOW: value 8.5 seconds above yellow threshold 5 for 3 samples"
                        + " (hold 3)", 1000, 416.667, t0 + 68_000),
                new io.migobs.DecisionChange(NAME, "ramp", io.migobs.Decision.THROTTLE, io.migobs.Decision.PROCEED,
                        "every gate green", 125, 135.417, t0 + 91_000));
        java.util.List<io.migobs.PhaseChange> phases = java.util.List.of(
                new io.migobs.PhaseChange(NAME, "canary", "ramp", 10_000, "quota done at 10000 rows; every gate green"
                        + " for the last 3 samples; invariants passed; approved", t0 + 40_000),
                new io.migobs.PhaseChange(NAME, "ramp", "full", 50_000, "quota done at 50000 rows; every gate green"
                        + " for the last 3 samples; invariants passed", t0 + 119_000));
        java.util.Map<String, Double> baselines = new java.util.LinkedHashMap<>();
        baselines.put("orders-latency", 0.012);
        return new RunReport(NAME, io.migobs.RunState.COMPLETED, null, t0, t0 + 231_000, 200_000, 0, 126, 1,
                Duration.ofSeconds(231), Duration.ofMillis(22_331), Duration.ofSeconds(30), 865.8, 2003,
                java.util.List.of("canary", "ramp", "full"), baselines, gates, decisions, phases,
                java.util.List.of(new RunReport.InvariantSummary("email-checksum", 12, 0, 6_000, "ok",
                        java.util.List.of())), false, null, null);
    }
}
