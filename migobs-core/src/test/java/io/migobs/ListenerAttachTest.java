package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.testing.ManualTimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerAttachTest {

    private static final class Recorder implements MigrationListener {
        final List<String> events = new ArrayList<>();
        MigrationRun attached;

        @Override
        public void onAttach(MigrationRun run) {
            attached = run;
            events.add("attach");
        }

        @Override
        public void onStart(MigrationPlan plan, Map<String, Double> baselines) {
            events.add("start");
        }
    }

    @Test
    void builderListenerIsAttachedToTheRunBeforeStart() {
        MigrationPlan plan = MigrationPlan.builder("attach").totalRows(10).build();
        Recorder recorder = new Recorder();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(new ManualTimeSource()).listener(recorder)
                .start()) {
            assertThat(recorder.attached).isSameAs(run);
            assertThat(recorder.events).containsExactly("attach", "start");
        }
    }

    @Test
    void listenerAddedAfterStartIsAttachedAtOnce() {
        MigrationPlan plan = MigrationPlan.builder("attach-late").totalRows(10).build();
        Recorder recorder = new Recorder();
        try (MigrationRun run = MigrationRun.builder(plan).timeSource(new ManualTimeSource()).start()) {
            run.addListener(recorder);
            assertThat(recorder.attached).isSameAs(run);
            assertThat(recorder.events).containsExactly("attach");
        }
    }
}
