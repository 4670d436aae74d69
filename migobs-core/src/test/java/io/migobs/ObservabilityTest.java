package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.testing.ManualTimeSource;
import io.migobs.testing.ScriptedSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Micrometer meters, SLF4J decision and progress lines with MDC, listener events. */
class ObservabilityTest {
    private final ManualTimeSource time = new ManualTimeSource();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(MigrationRun.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @AfterEach
    void stopCapture() {
        logger.detachAppender(logs);
        logger.setLevel(null);
    }

    private MigrationRun throttledRun() {
        ScriptedSignal lag = ScriptedSignal.named("replica.lag", "seconds").repeat(0, 3).repeat(8, 3).repeat(0, 100);
        MigrationPlan p = MigrationPlan.builder("emails").totalRows(20_000).batchSize(1000, 100, 1000)
                .phase(Phase.builder("canary").rows(2_000).build()).phase(Phase.builder("full").build())
                .gate(Gate.builder("replica.lag", lag).yellowAbove(5).redAbove(30).holdSamples(2).build())
                .invariant("checksum", Cadence.everyRows(5_000), c -> InvariantResult.pass(50))
                .build();
        return MigrationRun.builder(p).meterRegistry(registry).timeSource(time).start();
    }

    @Test
    void metersCountRowsBatchesGatesAndTime() {
        try (MigrationRun run = throttledRun()) {
            run.nextBatch().fail(new RuntimeException("deadlock detected"));
            Loop.drain(run, time, Duration.ofSeconds(1));
        }
        double rows = registry.find("migobs.rows").tag("migration", "emails").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        assertThat(rows).isEqualTo(20_000);
        assertThat(registry.get("migobs.rows").tag("phase", "canary").counter().count()).isEqualTo(2_000);
        assertThat(registry.get("migobs.batches").tag("phase", "canary").tag("outcome", "failure").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("migobs.batch.duration").tag("phase", "full").timer().count()).isPositive();
        assertThat(registry.get("migobs.progress").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("migobs.run.state").gauge().value()).isEqualTo(RunState.COMPLETED.code());
        assertThat(registry.get("migobs.run.start.time").gauge().value())
                .isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
        assertThat(registry.get("migobs.gate.state").tag("gate", "replica.lag").gauge().value()).isZero();
        assertThat(registry.get("migobs.gate.threshold").tag("gate", "replica.lag").tag("level", "red").gauge()
                .value()).isEqualTo(30);
        assertThat(registry.get("migobs.throttled").functionCounter().count()).isPositive();
        assertThat(registry.get("migobs.invariant.checks").tag("invariant", "checksum").tag("outcome", "pass")
                .counter().count()).isEqualTo(5); // 5k, 10k, 15k, 20k and the final check
        assertThat(registry.get("migobs.lag").tag("kind", "replica").gauge()).isNotNull();
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getName()).startsWith("migobs.").matches("[a-z.]+");
            assertThat(m.getId().getDescription()).as(m.getId().getName()).isNotBlank();
            assertThat(m.getId().getTag("migration")).isEqualTo("emails");
        }
    }

    @Test
    void everyDecisionIsLoggedOnceWithTheValuesBehindItAndTheMdc() {
        try (MigrationRun run = throttledRun()) {
            Loop.drain(run, time, Duration.ofSeconds(1));
        }
        List<ILoggingEvent> decisions = logs.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("decision ")).toList();
        assertThat(decisions).hasSize(2);
        assertThat(decisions.get(0).getFormattedMessage()).matches("decision migration=emails phase=canary"
                + " decision=THROTTLE previous=PROCEED batch_size=\\d+ rate_limit=\\d+ reason=\"gate 'replica.lag'"
                + " is YELLOW: value 8 seconds above yellow threshold 5 for 2 samples \\(hold 2\\)\"");
        assertThat(decisions.get(0).getMDCPropertyMap()).containsEntry("migration", "emails")
                .containsEntry("phase", "canary");
        assertThat(decisions.get(1).getFormattedMessage()).contains("decision=PROCEED previous=THROTTLE");
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("promote migration=emails from=canary to=full rows=2000"));
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("progress migration=emails phase=").contains("percent=").contains("eta="));
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("finish migration=emails outcome=COMPLETED rows=20000"));
    }

    @Test
    void listenersHearEveryKindOfEventAndCannotBreakTheRun() {
        List<String> events = new ArrayList<>();
        MigrationListener recorder = new MigrationListener() {
            @Override
            public void onStart(MigrationPlan plan, java.util.Map<String, Double> baselines) {
                events.add("start");
            }

            @Override
            public void onBatchStart(BatchEvent e) {
                events.add("batch-start");
            }

            @Override
            public void onBatchEnd(BatchEvent e) {
                events.add(e.failed() ? "batch-failed" : "batch-end");
            }

            @Override
            public void onGateChange(GateChange c) {
                events.add("gate:" + c.to());
            }

            @Override
            public void onDecision(DecisionChange c) {
                events.add("decision:" + c.to());
            }

            @Override
            public void onPhaseChange(PhaseChange c) {
                events.add("phase:" + c.to());
            }

            @Override
            public void onInvariant(InvariantOutcome o) {
                events.add("invariant");
            }

            @Override
            public void onProgress(ProgressSnapshot s) {
                events.add("progress");
            }

            @Override
            public void onFinish(RunReport r) {
                events.add("finish:" + r.state());
            }
        };
        MigrationListener broken = new MigrationListener() {
            @Override
            public void onBatchEnd(BatchEvent e) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (MigrationRun run = throttledRun()) {
            run.addListener(broken);
            run.addListener(recorder);
            run.nextBatch().fail(new RuntimeException("x"));
            Loop.drain(run, time, Duration.ofSeconds(1));
            assertThat(run.report().state()).isEqualTo(RunState.COMPLETED);
        }
        assertThat(events).contains("batch-start", "batch-end", "batch-failed", "gate:YELLOW", "decision:THROTTLE",
                "gate:GREEN", "decision:PROCEED", "phase:full", "invariant", "progress");
        assertThat(events).last().isEqualTo("finish:COMPLETED");
        assertThat(events).filteredOn(e -> e.startsWith("finish")).hasSize(1);
    }

    @Test
    void aSecondRunOfTheSameMigrationOnTheSameRegistryReadsItsOwnState() {
        MigrationPlan p = MigrationPlan.builder("again").totalRows(2_000).batchSize(1000, 1000, 1000).build();
        try (MigrationRun first = MigrationRun.builder(p).meterRegistry(registry).timeSource(time).start()) {
            first.nextBatch().complete(1000);
            first.abort("restart");
        }
        try (MigrationRun second = MigrationRun.builder(p).meterRegistry(registry).timeSource(time)
                .resumeFrom(1000, null).start()) {
            assertThat(registry.get("migobs.run.state").gauge().value()).isEqualTo(RunState.RUNNING.code());
            Loop.drain(second, time, Duration.ofSeconds(1));
        }
        assertThat(registry.get("migobs.run.state").gauge().value()).isEqualTo(RunState.COMPLETED.code());
        assertThat(registry.get("migobs.progress").gauge().value()).isEqualTo(1.0);
        assertThat(registry.find("migobs.run.state").gauges()).hasSize(1);
        assertThat(registry.get("migobs.rows").counter().count()).isEqualTo(2_000); // counters go on counting
    }
}
