package io.migobs;

/**
 * What kind of change a migration makes. The type decides what must be observed: a backfill is watched for
 * throughput and replica lag, a cutover for errors right after the switch.
 */
public enum MigrationType {
    /** DDL only (add a nullable column, create an index concurrently); no rows are rewritten. */
    SCHEMA_ONLY,
    /** Rows are written in batches to fill a new column or table from existing data. */
    BACKFILL,
    /** A table is copied into a new shape while it serves traffic (gh-ost / pt-online-schema-change style). */
    ONLINE_REWRITE,
    /** Reads or writes are switched from an old path to a new one; usually a one-shot step. */
    CUTOVER,
    /** The application writes both the old and the new location while the two are reconciled. */
    DUAL_WRITE,
    /** An index is built or rebuilt. */
    REINDEX
}
