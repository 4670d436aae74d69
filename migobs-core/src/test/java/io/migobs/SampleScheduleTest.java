package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a gate is read again, given how old its last reading was. */
class SampleScheduleTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aReadingObservedEarlierIsFollowedSooner() {
        // observed 0.4 s before it was read: the source refreshes 0.6 s after the read, read then
        assertThat(MigrationRun.nextSampleDelay(S, 400_000_000L)).isEqualTo(600_000_000L);
        assertThat(MigrationRun.nextSampleDelay(S, 0)).isEqualTo(S);
    }

    @Test
    void neverSoonerThanATenthOfTheInterval() {
        assertThat(MigrationRun.nextSampleDelay(S, 990_000_000L)).isEqualTo(S / 10);
    }

    @Test
    void aSourceSlowerThanTheIntervalIsReadOncePerInterval() {
        // a source refreshed every 15 s (a scrape) would otherwise be read at every batch
        assertThat(MigrationRun.nextSampleDelay(S, 7 * S)).isEqualTo(S);
        assertThat(MigrationRun.nextSampleDelay(S, S)).isEqualTo(S);
    }
}
