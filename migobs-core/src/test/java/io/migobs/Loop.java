package io.migobs;

import io.migobs.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A test batch loop: each batch "takes" a fixed time on the manual clock and completes all its rows. */
final class Loop {
    private Loop() {
    }

    /** Runs to the end; returns the sizes handed out. */
    static List<Integer> drain(MigrationRun run, ManualTimeSource time, Duration perBatch) {
        return drain(run, time, perBatch, b -> { });
    }

    static List<Integer> drain(MigrationRun run, ManualTimeSource time, Duration perBatch, Consumer<Batch> each) {
        List<Integer> sizes = new ArrayList<>();
        long cursor = run.cursor() instanceof Long l ? l : 0L;
        while (run.hasNext()) {
            Batch b = run.nextBatch();
            sizes.add(b.size());
            each.accept(b);
            time.advance(perBatch);
            cursor += b.size();
            b.complete(b.size(), cursor);
        }
        return sizes;
    }
}
