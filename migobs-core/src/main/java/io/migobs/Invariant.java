package io.migobs;

/**
 * A correctness check that runs while the migration moves: a checksum of the rows just written, a count
 * comparison, a sample of rows compared field by field. A failed check is red: the run aborts (or stops and
 * stabilizes) with the check's message. A check that throws counts as failed.
 *
 * <p>Checks run on the thread that completes the batch that makes them due, outside the run's lock, so they may
 * take their time; no batch of the same run starts on that thread meanwhile.
 */
@FunctionalInterface
public interface Invariant {

    /**
     * Runs the check.
     *
     * @param context what has been done so far
     * @return pass or fail, with the rows examined
     * @throws Exception when the check cannot run; counted as a failure
     */
    InvariantResult check(InvariantContext context) throws Exception;
}
