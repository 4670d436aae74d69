/**
 * The unit-test harness for migration logic: a {@link io.migobs.testing.ManualTimeSource} so nothing sleeps on the
 * real clock, and {@link io.migobs.testing.ScriptedSignal}s that return a script of values and faults, one per
 * sample. With them a test can say "lag rises to 8 s for 3 samples: the next batch is smaller; lag 40 s: aborted
 * with a reason" deterministically.
 */
package io.migobs.testing;
