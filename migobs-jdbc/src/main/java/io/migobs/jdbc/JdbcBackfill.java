package io.migobs.jdbc;

import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.TimeSource;
import io.migobs.jdbc.internal.BackfillDriver;
import io.migobs.jdbc.internal.BackfillSpec;
import io.migobs.jdbc.internal.Keys;
import io.migobs.jdbc.internal.Sql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A keyset-paginated backfill on a JDBC database, driven by a {@link MigrationRun}: walks the table's key space in
 * the batch sizes the run hands out, one transaction per batch, and writes the checkpoint in that same
 * transaction, so that a crash at any instant loses nothing and applies nothing twice, even for a non-idempotent
 * batch such as {@code SET n = n + 1}.
 *
 * <pre>{@code
 * JdbcBackfill backfill = JdbcBackfill.builder(dataSource, "items")
 *         .keyColumns("id")
 *         .statement("UPDATE items SET n = n + 1 WHERE {range}")
 *         .build();
 * MigrationPlan plan = MigrationPlan.builder("items-n-plus-one").totalRows(backfill.countRows()).build();
 * RunReport report = backfill.run(plan, run -> run.meterRegistry(registry)); // resumes from the checkpoint
 * }</pre>
 *
 * <p><b>Each batch</b> (one transaction on one connection, auto-commit off):
 * <ol>
 * <li>locks the migration's checkpoint row ({@code SELECT ... FOR UPDATE}) and checks that no other worker moved it;
 * <li>runs the {@link Builder#beforeEachBatch(String) before-each-batch} statements, if any;
 * <li>selects the next {@code batch.size()} keys after the cursor ({@code ORDER BY key LIMIT size}): the batch's
 *     range is {@code (cursor, last selected key]};
 * <li>runs the statement (or {@link BatchOperation}) on that range;
 * <li>moves the checkpoint to the range's last key and adds the keys to its row count;
 * <li>commits, then completes the batch with the number of keys and the new cursor
 *     ({@link io.migobs.Batch#completeLast(long, Object) completeLast} when fewer keys than asked were left).
 * </ol>
 * The row count reported to the run is the number of keys in the range (what {@link #countRows()} counts), whatever
 * the statement changed. Key columns must be unique and NOT NULL (a primary key or unique index, which also makes the
 * walk fast). Composite keys are walked in the order of the key columns.
 *
 * <p><b>Failures.</b> On any failure the transaction is rolled back (nothing of the batch nor of its checkpoint
 * remains). A transient failure ({@link FailureKind#isTransient()}: deadlock, serialization failure, lock timeout,
 * dropped connection, statement timeout) is retried after a backoff on the run's {@link TimeSource}, within the
 * {@link RetryPolicy} (attempts per batch and retries per run; a dropped connection is replaced; after a statement
 * timeout the attempt takes half the keys of the one that timed out, down to one, and the batch completes with
 * those rows: the same range would likely time out again). Each retry is
 * logged and counted in the run's registry ({@link io.migobs.MigrationRun#meterRegistry()}) as the counter
 * {@code migobs.jdbc.retries} (Prometheus {@code migobs_jdbc_retries_total}), tagged {@code migration} and
 * {@code kind} (the {@link FailureKind} in lower case, e.g. {@code lock_timeout}). A batch whose
 * attempts are exhausted is failed ({@link io.migobs.Batch#fail(Throwable)}, counting toward the plan's limit of
 * consecutive failures); when the run's retry budget is exhausted, or on a permanent failure, the batch is failed and
 * the run aborted (red) with a {@link JdbcBatchException} message naming the batch's key range. An
 * {@link Error} (or a crash) propagates without commit: the database rolls the open transaction back.
 *
 * <p><b>Restart.</b> The checkpoint table (schema in {@link Checkpoint}) keeps, per migration (the plan's name),
 * the last committed key and the rows done. {@link #run(MigrationPlan, Consumer)} reads it and starts the run with
 * {@code resumeFrom(rowsDone, cursor)}; a completed migration is not re-run (the run completes at once with no
 * batch touching the table) unless {@link Builder#rerunCompleted(boolean)} or {@link #resetCheckpoint(String)}.
 *
 * <p><b>Safety.</b> Table and column names are validated and quoted ({@link Dialect}). The statement is trusted
 * code (like any SQL the application runs): never build it from user input. No URL, user or password is logged or put
 * in a message; the database is described as {@code dialect@host}.
 *
 * <p>Immutable and thread-safe; each {@code run} call drives one run on the calling thread. Running the same
 * migration from two processes at once is detected: each batch locks the checkpoint row and compares its row count
 * with what this worker last wrote, so the worker that finds it moved aborts (permanent failure) before touching a
 * row.
 */
public final class JdbcBackfill {
    /** The placeholder a statement uses for the batch's key range: {@value}. */
    public static final String RANGE = "{range}";
    /** The default checkpoint table: {@value}. */
    public static final String DEFAULT_CHECKPOINT_TABLE = "migobs_checkpoint";

    private final BackfillSpec spec;
    private final BackfillDriver driver;

    private JdbcBackfill(BackfillSpec spec) {
        this.spec = spec;
        this.driver = new BackfillDriver(spec);
    }

    /**
     * Starts configuring a backfill of a table.
     *
     * @param dataSource the database (connections are borrowed per run and returned)
     * @param table the table, optionally schema-qualified; validated (see {@link Dialect})
     * @return a builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the table name is not a valid identifier
     */
    public static Builder builder(DataSource dataSource, String table) {
        return new Builder(dataSource, table);
    }

    /**
     * Runs the backfill: reads (or creates) the checkpoint, builds the run from the plan with {@code configure}
     * applied (registry, time source, listeners...), resumes it from the checkpoint, drives it to its end and closes
     * it. This is the entry point for a process that may crash and be restarted: call it again with the same plan.
     *
     * @param plan the plan; its name keys the checkpoint
     * @param configure sets up the run builder (do not call {@code resumeFrom} or {@code start})
     * @return the run's final report
     * @throws NullPointerException if an argument is null
     * @throws io.migobs.MigrationException if the checkpoint cannot be read or created
     */
    public RunReport run(MigrationPlan plan, Consumer<MigrationRun.Builder> configure) {
        Objects.requireNonNull(plan, "plan cannot be null");
        Objects.requireNonNull(configure, "configure cannot be null");
        return driver.run(plan, configure);
    }

    /**
     * Runs the backfill with a run the caller started (and will close). If a checkpoint exists, the run must have been
     * started with {@code MigrationRun.builder(plan).resumeFrom(cp.rowsDone(), cp.cursor())} from
     * {@link #checkpoint(String)}.
     *
     * @param run a started run
     * @return the run's report once it ended
     * @throws NullPointerException if run is null
     * @throws IllegalStateException if the run's rows or cursor disagree with the checkpoint
     * @throws io.migobs.MigrationException if the checkpoint cannot be read or created
     */
    public RunReport run(MigrationRun run) {
        Objects.requireNonNull(run, "run cannot be null");
        return driver.run(run);
    }

    /**
     * The stored checkpoint of a migration (creating the checkpoint table if absent).
     *
     * @param migration the plan's name
     * @return the checkpoint, or empty if the migration never ran
     * @throws IllegalStateException if checkpointing is disabled
     * @throws io.migobs.MigrationException if the table cannot be read
     */
    public Optional<Checkpoint> checkpoint(String migration) {
        Objects.requireNonNull(migration, "migration cannot be null");
        return Optional.ofNullable(driver.checkpoint(migration));
    }

    /**
     * Deletes a migration's checkpoint, so that the next run starts from the beginning.
     *
     * @param migration the plan's name
     * @return whether a checkpoint existed
     * @throws IllegalStateException if checkpointing is disabled
     * @throws io.migobs.MigrationException if the table cannot be written
     */
    public boolean resetCheckpoint(String migration) {
        Objects.requireNonNull(migration, "migration cannot be null");
        return driver.resetCheckpoint(migration);
    }

    /**
     * The first and last key of the range (two indexed queries), for progress from the cursor when no exact count is
     * given: {@code plan.progressFromCursor(space.progress(), space.description())}.
     *
     * @return the key space
     * @throws IllegalStateException if the database cannot be queried
     */
    public KeySpace keySpace() {
        return driver.keySpace();
    }

    /**
     * The exact number of rows in the range ({@code SELECT COUNT(*)}: a full scan of the range).
     *
     * @return rows, at least 0
     * @throws IllegalStateException if the database cannot be queried
     */
    public long countRows() {
        return driver.countRows();
    }

    /**
     * The database's estimate of the whole table's rows, ignoring the range: {@code pg_class.reltuples},
     * {@code information_schema.TABLES.TABLE_ROWS}, H2's {@code ROW_COUNT_ESTIMATE}. Use with
     * {@code MigrationPlan.Builder.estimatedRows}.
     *
     * @return the estimate, or -1 when the database has none (a table never analyzed)
     * @throws IllegalStateException if the database cannot be queried
     */
    public long estimateRows() {
        return driver.estimateRows();
    }

    /**
     * The database's dialect (opens a connection the first time).
     *
     * @return the dialect
     * @throws IllegalStateException if no connection can be opened or the database is not supported
     */
    public Dialect dialect() {
        return driver.dialect();
    }

    /** @return the table as given */
    public String table() {
        return spec.table();
    }

    /** @return the key columns as given */
    public List<String> keyColumns() {
        return spec.keyColumns();
    }

    @Override
    public String toString() {
        return "JdbcBackfill[table=" + spec.table() + ", keys=" + spec.keyColumns() + ", range=("
                + Keys.show(spec.after()) + ", " + (spec.upTo() == null ? "+inf" : Keys.show(spec.upTo())) + "]]";
    }

    /** Configures a {@link JdbcBackfill}. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private final String table;
        private List<String> keyColumns;
        private Object after;
        private Object upTo;
        private String statement;
        private BatchOperation operation;
        private String checkpointTable = DEFAULT_CHECKPOINT_TABLE;
        private boolean checkpointing = true;
        private boolean rerunCompleted;
        private RetryPolicy retry = RetryPolicy.defaults();
        private TimeSource timeSource;
        private Duration statementTimeout;
        private final List<String> beforeEachBatch = new ArrayList<>();

        private Builder(DataSource dataSource, String table) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource cannot be null");
            this.table = Sql.validate(table, "table", true);
        }

        /**
         * The key columns, unique and NOT NULL together (a primary key), walked in this order.
         *
         * @param columns one or more column names; validated
         * @return this builder
         * @throws IllegalArgumentException if none is given, a name is invalid or repeated
         */
        public Builder keyColumns(String... columns) {
            Objects.requireNonNull(columns, "keyColumns cannot be null");
            if (columns.length == 0) {
                throw new IllegalArgumentException("keyColumns needs at least one column");
            }
            List<String> out = new ArrayList<>();
            for (String c : columns) {
                Sql.validate(c, "key column", false);
                if (out.stream().anyMatch(c::equalsIgnoreCase)) {
                    throw new IllegalArgumentException("key column '" + c + "' is given twice");
                }
                out.add(c);
            }
            this.keyColumns = List.copyOf(out);
            return this;
        }

        /**
         * Restricts the backfill to keys in {@code (after, upTo]}. A composite key's bounds are {@link List}s with
         * one value per key column. Default: the whole table, including rows inserted at the end while it runs.
         *
         * @param after exclusive lower bound, or null for the table's start
         * @param upTo inclusive upper bound, or null for the table's end
         * @return this builder
         */
        public Builder range(Object after, Object upTo) {
            this.after = after;
            this.upTo = upTo;
            return this;
        }

        /**
         * The batch's work as one SQL statement: {@value JdbcBackfill#RANGE} stands for the batch's key range
         * (any key; may appear several times), e.g. {@code UPDATE items SET n = n + 1 WHERE {range}}. Alternatively,
         * for a single key column, exactly two '?' placeholders: the range's exclusive lower and inclusive upper key,
         * e.g. {@code UPDATE items SET n = n + 1 WHERE id > ? AND id <= ?} (the first batch binds the first key
         * minus one for a numeric key; a text key needs {@code range(after, ...)} or {@value JdbcBackfill#RANGE}).
         *
         * @param sql the statement; trusted code, never built from user input
         * @return this builder
         * @throws NullPointerException if sql is null
         * @throws IllegalArgumentException if it has neither {@value JdbcBackfill#RANGE} nor two '?'
         */
        public Builder statement(String sql) {
            Objects.requireNonNull(sql, "statement cannot be null");
            if (!sql.contains(RANGE) && sql.chars().filter(ch -> ch == '?').count() != 2) {
                throw new IllegalArgumentException("statement must contain " + RANGE + " or exactly two '?'"
                        + " placeholders (lower key exclusive, upper key inclusive), but was: " + sql);
            }
            if (sql.contains(RANGE) && sql.indexOf('?') >= 0) {
                throw new IllegalArgumentException("statement must not mix " + RANGE + " with '?' placeholders: "
                        + sql);
            }
            this.statement = sql;
            return this;
        }

        /**
         * The batch's work as code, run inside the batch's transaction.
         *
         * @param op the operation
         * @return this builder
         */
        public Builder operation(BatchOperation op) {
            this.operation = Objects.requireNonNull(op, "operation cannot be null");
            return this;
        }

        /**
         * The checkpoint table's name (created if absent; schema in {@link Checkpoint}).
         *
         * @param name default {@value JdbcBackfill#DEFAULT_CHECKPOINT_TABLE}; validated, may be schema-qualified
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid
         */
        public Builder checkpointTable(String name) {
            this.checkpointTable = Sql.validate(name, "checkpoint table", true);
            return this;
        }

        /**
         * Disables the checkpoint: nothing is persisted and a restart begins again from the start (only for
         * idempotent statements or throwaway data).
         *
         * @return this builder
         */
        public Builder withoutCheckpoint() {
            this.checkpointing = false;
            return this;
        }

        /**
         * Whether a migration whose checkpoint says completed runs again from the start.
         *
         * @param rerun default false: a completed migration is skipped
         * @return this builder
         */
        public Builder rerunCompleted(boolean rerun) {
            this.rerunCompleted = rerun;
            return this;
        }

        /**
         * How transient failures are retried.
         *
         * @param policy default {@link RetryPolicy#defaults()}
         * @return this builder
         */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "retry policy cannot be null");
            return this;
        }

        /**
         * The clock for retry backoff waits and checkpoint timestamps.
         *
         * @param time default: the run's {@link MigrationRun#timeSource()}
         * @return this builder
         */
        public Builder timeSource(TimeSource time) {
            this.timeSource = Objects.requireNonNull(time, "timeSource cannot be null");
            return this;
        }

        /**
         * A JDBC query timeout on the key selection and the statement ({@link java.sql.Statement#setQueryTimeout},
         * whole seconds, at least 1); a timeout is a transient failure.
         *
         * @param timeout positive; default none
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder statementTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "statementTimeout cannot be null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("statementTimeout must be positive but was " + timeout);
            }
            this.statementTimeout = timeout;
            return this;
        }

        /**
         * A statement run at the start of every batch transaction, e.g. {@code SET LOCAL lock_timeout = '2s'}
         * (PostgreSQL) or {@code SET SESSION innodb_lock_wait_timeout = 2} (MariaDB). Trusted code.
         *
         * @param sql the statement
         * @return this builder
         */
        public Builder beforeEachBatch(String sql) {
            beforeEachBatch.add(Objects.requireNonNull(sql, "beforeEachBatch statement cannot be null"));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the immutable backfill
         * @throws IllegalStateException if key columns are missing, or not exactly one of statement and operation is
         *         set, or a '?' statement is used with a composite key
         * @throws IllegalArgumentException if a range bound does not match the key columns
         */
        public JdbcBackfill build() {
            if (keyColumns == null) {
                throw new IllegalStateException("keyColumns must be set for the backfill of table '" + table + "'");
            }
            if ((statement == null) == (operation == null)) {
                throw new IllegalStateException("exactly one of statement and operation must be set for the"
                        + " backfill of table '" + table + "'");
            }
            if (statement != null && !statement.contains(RANGE) && keyColumns.size() != 1) {
                throw new IllegalStateException("a statement with '?' placeholders needs a single key column, but"
                        + " there are " + keyColumns.size() + " " + keyColumns + "; use " + RANGE);
            }
            Keys.components(after, keyColumns.size(), "range lower bound");
            Keys.components(upTo, keyColumns.size(), "range upper bound");
            return new JdbcBackfill(new BackfillSpec(dataSource, table, keyColumns, after, upTo, statement, operation,
                    checkpointTable, checkpointing, rerunCompleted, retry, timeSource, statementTimeout,
                    List.copyOf(beforeEachBatch)));
        }
    }
}
