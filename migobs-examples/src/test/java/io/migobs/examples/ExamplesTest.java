package io.migobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.examples.canary.CanaryCheck;
import io.migobs.examples.jdbc.PlainJdbcBackfill;
import io.migobs.examples.springbatch.SpringBatchBackfill;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every example runs to its documented outcome. */
class ExamplesTest {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainJdbcBackfillCompletes() throws Exception {
        int code = PlainJdbcBackfill.run(new String[0], out);

        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("COMPLETED: 20000 rows", "[canary, full]");
    }

    @Test
    void canaryIsGoWhenTheGatesAreGreen() throws Exception {
        int code = CanaryCheck.run(new String[0], out);

        assertThat(code).as(output()).isEqualTo(CanaryCheck.GO);
        assertThat(output()).contains("GO after the canary (500 rows)", "gate replica.lag", "GREEN",
                "invariant email-normalized passed");
    }

    @Test
    void canaryIsNoGoWithTheEvidenceWhenTheLagIsYellow() throws Exception {
        int code = CanaryCheck.run(new String[] {"--simulated-lag", "8"}, out);

        assertThat(code).as(output()).isEqualTo(CanaryCheck.NO_GO);
        assertThat(output()).contains("NO-GO", "replica.lag", "8.0 seconds");
    }

    @Test
    void canaryIsNoGoWhenARedGateAbortsIt() throws Exception {
        int code = CanaryCheck.run(new String[] {"--simulated-lag", "40"}, out);

        assertThat(code).as(output()).isEqualTo(CanaryCheck.NO_GO);
        assertThat(output()).contains("NO-GO: the canary did not finish: ABORTED", "replica.lag");
    }

    @Test
    void canaryRejectsAnUnknownFlagByName() {
        int code = Main.run(new String[] {"canary", "--frobnicate", "1"}, out, out);

        assertThat(code).isEqualTo(1);
        assertThat(output()).contains("unknown flag '--frobnicate'");
    }

    @Test
    void springBatchJobStopsOnRedAndTheRestartFinishes() throws Exception {
        int code = SpringBatchBackfill.run(new String[] {"--rows", "6000"}, out);

        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("first run: job STOPPED", "exit STOPPED (migobs: migration",
                "restart: job COMPLETED", "rows normalized: 6,000 of 6,000", "chunk sizes (dynamic commit interval)");
    }

    @Test
    void partitionedSpringBatchJobSharesOneRunAndRestarts() throws Exception {
        int code = SpringBatchBackfill.run(new String[] {"--rows", "6000", "--partitions", "3"}, out);

        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("3 partitions sharing one run", "first run: job STOPPED",
                "normalize-worker:range0", "restart: job COMPLETED", "rows normalized: 6,000 of 6,000");
    }
}
