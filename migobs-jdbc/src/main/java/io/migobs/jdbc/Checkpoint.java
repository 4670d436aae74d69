package io.migobs.jdbc;

import java.time.Instant;

/**
 * A migration's persisted position, one row of the checkpoint table (default {@code migobs_checkpoint}).
 *
 * <p>Table schema (created if absent; types per dialect):
 * <pre>
 * CREATE TABLE migobs_checkpoint (
 *   migration    VARCHAR(200)  NOT NULL PRIMARY KEY, -- the plan's name
 *   cursor_value VARCHAR(2000),                      -- last committed key, encoded as text (see below); NULL = start
 *   rows_done    BIGINT        NOT NULL,             -- rows (keys) completed, the run's resume count
 *   phase        VARCHAR(200),                       -- phase of the last committed batch
 *   status       VARCHAR(20)   NOT NULL,             -- 'running' or 'completed'
 *   updated_at   TIMESTAMP(3)  NOT NULL              -- UTC wall time of the last write (DATETIME(3) on MySQL)
 * )
 * </pre>
 * The cursor text is one component per key column, separated by ',', each {@code TYPE:value} with ',' and '%'
 * percent-encoded: {@code L} integer, {@code D} decimal, {@code S} string, {@code U} UUID, {@code d} ISO date,
 * {@code t} ISO date-time; e.g. {@code L:42} or {@code S:eu%2Cwest,L:7}.
 *
 * @param migration the migration's (plan's) name
 * @param cursor the last committed key (see {@link KeyRange} for its Java type), or null before the first batch
 * @param cursorText the cursor as stored
 * @param rowsDone rows completed so far
 * @param phase the phase of the last committed batch, or null
 * @param status {@link Status#RUNNING} or {@link Status#COMPLETED}
 * @param updatedAt when the row was last written
 */
public record Checkpoint(String migration, Object cursor, String cursorText, long rowsDone, String phase,
        Status status, Instant updatedAt) {

    /** The migration's state as stored in the {@code status} column. */
    public enum Status {
        /** Started and not finished (possibly crashed): a restart resumes after the cursor. */
        RUNNING("running"),
        /** Every key was processed: a restart does nothing unless re-running is asked for. */
        COMPLETED("completed");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        /** @return the value stored in the table */
        public String text() {
            return text;
        }

        /**
         * Parses a stored value.
         *
         * @param text {@code running} or {@code completed}
         * @return the status
         * @throws IllegalArgumentException for any other value
         */
        public static Status of(String text) {
            for (Status s : values()) {
                if (s.text.equals(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("checkpoint status '" + text + "' is not 'running' or 'completed'");
        }
    }
}
