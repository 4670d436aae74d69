package io.migobs.jdbc.internal;

import io.migobs.Batch;
import io.migobs.MigrationException;
import io.migobs.MigrationPlan;
import io.migobs.MigrationRun;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.TimeSource;
import io.migobs.jdbc.Checkpoint;
import io.migobs.jdbc.Dialect;
import io.migobs.jdbc.FailureKind;
import io.migobs.jdbc.JdbcBatchException;
import io.migobs.jdbc.KeyRange;
import io.migobs.jdbc.KeySpace;
import io.micrometer.core.instrument.Counter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The keyset loop behind {@code JdbcBackfill}. Thread-safe for separate runs; one run per call. Not API. */
public final class BackfillDriver {
    private static final Logger LOG = LoggerFactory.getLogger("io.migobs.jdbc.JdbcBackfill");
    public static final String RANGE_TOKEN = "{range}";
    /** Counter of retried batch attempts, tagged {@code migration} and {@code kind}. */
    public static final String RETRIES = "migobs.jdbc.retries";

    private final BackfillSpec spec;
    private volatile Schema schema;

    /** Resolved SQL names for one database. */
    private record Schema(Sql sql, String table, List<String> keys, Keyset keyset, CheckpointTable checkpoint,
            String describe, LastText select) {
    }

    /**
     * The last SQL text built from a predicate text and a number, reused while both stay the same — the predicate's
     * shape changes after the first batch, the batch size when the controller resizes batches — instead of building
     * the text in every batch. Thread-safe: one immutable entry, replaced whole.
     */
    private static final class LastText {
        /** Builds the text. */
        interface Builder {
            String build(String predicate, int number);
        }

        private record Entry(String predicate, int number, String text) {
        }

        private final Builder builder;
        private volatile Entry last;

        LastText(Builder builder) {
            this.builder = builder;
        }

        String get(String predicate, int number) {
            Entry e = last;
            if (e == null || e.number != number || !e.predicate.equals(predicate)) {
                e = new Entry(predicate, number, builder.build(predicate, number));
                last = e;
            }
            return e.text;
        }
    }

    /** How often the statement names {@value #RANGE_TOKEN}; 0 for the '?' form or an operation. */
    private final int rangeTokens;
    /** The statement with a batch's predicate in place of each {@value #RANGE_TOKEN}. */
    private final LastText rangeStatement;

    public BackfillDriver(BackfillSpec spec) {
        this.spec = spec;
        this.rangeTokens = spec.statement() == null ? 0 : count(spec.statement(), RANGE_TOKEN);
        this.rangeStatement = new LastText((predicate, unused) -> spec.statement().replace(RANGE_TOKEN, predicate));
    }

    private Schema schema(Connection c) throws SQLException {
        Schema s = schema;
        if (s == null) {
            Sql sql = Sql.of(c);
            String table = sql.table(spec.table(), "table");
            List<String> keys = sql.columns(spec.keyColumns(), "key column");
            CheckpointTable cp = spec.checkpointing() ? new CheckpointTable(sql, spec.checkpointTable()) : null;
            Keyset keyset = new Keyset(keys);
            LastText select = new LastText((predicate, size) -> "SELECT " + keyset.columnList() + " FROM " + table
                    + " WHERE " + predicate + " ORDER BY " + keyset.orderBy(false) + " LIMIT " + size);
            s = new Schema(sql, table, keys, keyset, cp, Sql.describe(c), select);
            schema = s;
        }
        return s;
    }

    public Dialect dialect() {
        try (Connection c = spec.dataSource().getConnection()) {
            return schema(c).sql().dialect();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot detect the dialect of the backfill's database: " + brief(e), e);
        }
    }

    // ------------------------------------------------------------------------------------------ checkpoint API

    public Checkpoint checkpoint(String migration) {
        requireCheckpointing();
        try (Connection c = spec.dataSource().getConnection()) {
            Schema s = schema(c);
            s.checkpoint().ensure(c);
            return s.checkpoint().read(c, migration, false);
        } catch (SQLException e) {
            throw new MigrationException(migration, null, "cannot read the checkpoint: " + brief(e), e);
        }
    }

    public boolean resetCheckpoint(String migration) {
        requireCheckpointing();
        try (Connection c = spec.dataSource().getConnection()) {
            Schema s = schema(c);
            s.checkpoint().ensure(c);
            boolean deleted = s.checkpoint().delete(c, migration);
            if (!c.getAutoCommit()) {
                c.commit();
            }
            log("checkpoint-reset", "migration={} table={} deleted={}", migration, spec.table(), deleted);
            return deleted;
        } catch (SQLException e) {
            throw new MigrationException(migration, null, "cannot reset the checkpoint: " + brief(e), e);
        }
    }

    private void requireCheckpointing() {
        if (!spec.checkpointing()) {
            throw new IllegalStateException("this backfill of table '" + spec.table()
                    + "' has checkpointing disabled");
        }
    }

    /** Reads (creating table and row if absent) the checkpoint; resets a completed one when re-running. */
    private Checkpoint prepareCheckpoint(Connection c, Schema s, String migration, long wallMillis)
            throws SQLException {
        CheckpointTable t = s.checkpoint();
        t.ensure(c);
        Checkpoint cp = t.read(c, migration, false);
        if (cp != null && cp.status() == Checkpoint.Status.COMPLETED && spec.rerunCompleted()) {
            t.delete(c, migration);
            log("checkpoint-reset", "migration={} reason=\"rerunCompleted(true)\" previous_rows={}", migration,
                    cp.rowsDone());
            cp = null;
        }
        if (cp == null) {
            t.insert(c, migration, wallMillis);
            cp = t.read(c, migration, false);
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return cp;
    }

    // ------------------------------------------------------------------------------------------ running

    public RunReport run(MigrationPlan plan, Consumer<MigrationRun.Builder> configure) {
        Checkpoint cp = null;
        if (spec.checkpointing()) {
            long wall = (spec.timeSource() != null ? spec.timeSource() : TimeSource.system()).wallTimeMillis();
            try (Connection c = spec.dataSource().getConnection()) {
                cp = prepareCheckpoint(c, schema(c), plan.name(), wall);
            } catch (SQLException e) {
                throw new MigrationException(plan.name(), null, "cannot prepare the checkpoint in table '"
                        + spec.checkpointTable() + "': " + brief(e), e);
            }
        }
        MigrationRun.Builder b = MigrationRun.builder(plan);
        configure.accept(b);
        if (cp != null && (cp.rowsDone() > 0 || cp.cursor() != null)) {
            b.resumeFrom(cp.rowsDone(), cp.cursor());
        }
        try (MigrationRun run = b.start()) {
            return run(run);
        }
    }

    public RunReport run(MigrationRun run) {
        String migration = run.plan().name();
        TimeSource time = spec.timeSource() != null ? spec.timeSource() : run.timeSource();
        String prevMigration = MDC.get("migration");
        String prevPhase = MDC.get("phase");
        MDC.put("migration", migration);
        Connection conn = null;
        try {
            long rowsDone = run.progress().rowsProcessed();
            Object cursor = run.cursor();
            if (spec.checkpointing()) {
                Checkpoint cp;
                try (Connection c = spec.dataSource().getConnection()) {
                    cp = prepareCheckpoint(c, schema(c), migration, time.wallTimeMillis());
                } catch (SQLException e) {
                    throw new MigrationException(migration, null, "cannot prepare the checkpoint in table '"
                            + spec.checkpointTable() + "': " + brief(e), e);
                }
                if (cp.status() == Checkpoint.Status.COMPLETED) {
                    log("already-completed", "migration={} table={} rows_done={} cursor={} updated_at={} action=skip"
                            + " hint=\"rerunCompleted(true) or resetCheckpoint() runs it again\"", migration,
                            spec.table(), cp.rowsDone(), Keys.show(cp.cursor()), cp.updatedAt());
                    while (run.hasNext()) {
                        run.nextBatch().completeLast(0, cursor);
                    }
                    return run.report();
                }
                if (cp.rowsDone() != rowsDone || !Objects.equals(cp.cursor(), cursor)) {
                    throw new IllegalStateException("migration '" + migration + "' has a checkpoint at rows="
                            + cp.rowsDone() + " cursor=" + Keys.show(cp.cursor()) + " but the run starts at rows="
                            + rowsDone + " cursor=" + Keys.show(cursor) + ": start it with MigrationRun.builder(plan)"
                            + ".resumeFrom(checkpoint.rowsDone(), checkpoint.cursor()), or use"
                            + " JdbcBackfill.run(plan, configure), which does");
                }
            }
            Loop loop = new Loop(Keys.components(cursor != null ? cursor : spec.after(), spec.keyColumns().size(),
                    "cursor"), rowsDone, spec.retry().retryBudget());
            try {
                while (run.hasNext()) {
                    runBatch(run, loop, migration, time);
                }
            } finally {
                conn = loop.conn;
            }
            if (spec.checkpointing() && run.state() == RunState.COMPLETED) {
                markCompleted(migration, loop.rowsDone, loop.lower, time);
            }
            RunReport report = run.report();
            log("backfill-end", "migration={} table={} state={} rows={} retries={} cursor={}", migration,
                    spec.table(), report.state(), report.rowsProcessed(), loop.retries, Keys.show(loop.lower == null
                            ? null : Keys.cursorOf(loop.lower)));
            return report;
        } finally {
            close(conn);
            restore("migration", prevMigration);
            restore("phase", prevPhase);
        }
    }

    /**
     * What the batch loop carries from one batch to the next. The loop body is a method of its own
     * ({@link #runBatch(MigrationRun, Loop, String, TimeSource)}), called once per batch: a loop inside a method
     * called once per run is not compiled by the JIT until tens of thousands of iterations (HotSpot compiles a method
     * after a few hundred calls), and the body ran interpreted for the whole of most backfills: in a CPU profile of
     * the driver on PostgreSQL, a sixth of the CPU the driver spends outside the JDBC calls.
     */
    private static final class Loop {
        Connection conn;
        List<Object> lower;
        long rowsDone;
        int budget;
        long retries;

        Loop(List<Object> lower, long rowsDone, int budget) {
            this.lower = lower;
            this.rowsDone = rowsDone;
            this.budget = budget;
        }
    }

    /** One batch of the loop: its attempts (retries, splits after a statement timeout), then complete or fail. */
    private void runBatch(MigrationRun run, Loop loop, String migration, TimeSource time) {
        Batch batch = run.nextBatch();
        if (!batch.phase().equals(MDC.get("phase"))) {
            MDC.put("phase", batch.phase());
        }
        int attempt = 0;
        // a statement timeout retries the batch with half its keys (down to one): the same range would
        // likely time out again, and a smaller one makes progress; the controller sizes the next batches
        int keys = batch.size();
        Outcome done = null;
        JdbcBatchException failure = null;
        boolean abort = false;
        while (true) {
            attempt++;
            KeyRange[] rangeHolder = new KeyRange[1];
            try {
                if (loop.conn == null) {
                    loop.conn = spec.dataSource().getConnection();
                    loop.conn.setAutoCommit(false);
                }
                done = batch(loop.conn, schema(loop.conn), migration, batch, keys, loop.lower, loop.rowsDone, time,
                        rangeHolder);
                break;
            } catch (SQLException | RuntimeException e) {
                boolean connectionOk = rollback(loop.conn);
                FailureKind kind = e instanceof ConcurrentRunException ? FailureKind.PERMANENT
                        : FailureKind.classify(e);
                if (!connectionOk || kind == FailureKind.CONNECTION) {
                    close(loop.conn);
                    loop.conn = null;
                }
                KeyRange r = rangeHolder[0];
                String where = r != null ? "key range " + r : "keys after " + Keys.show(loop.lower == null ? null
                        : Keys.cursorOf(loop.lower));
                if (kind.isTransient() && attempt < spec.retry().maxAttempts() && loop.budget > 0) {
                    loop.budget--;
                    loop.retries++;
                    int tried = keys;
                    if (kind == FailureKind.STATEMENT_TIMEOUT) {
                        keys = Math.max(1, keys / 2);
                    }
                    Counter.builder(RETRIES).description("Batch attempts retried after a transient failure,"
                            + " by kind").baseUnit("retries").tag("migration", migration)
                            .tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(run.meterRegistry())
                            .increment();
                    java.time.Duration wait = spec.retry().backoff(attempt);
                    warn("retry", "migration={} table={} batch={} range=\"{}\" kind={} attempt={}"
                            + " max_attempts={} backoff_ms={} retries_left={} keys={} next_keys={}"
                            + " error=\"{}\"", migration, spec.table(), batch.sequence(), where, kind,
                            attempt, spec.retry().maxAttempts(), wait.toMillis(), loop.budget, tried, keys,
                            brief(e));
                    try {
                        time.sleepNanos(wait.toNanos());
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        failure = fail(migration, batch, r, where, kind, attempt, "interrupted during retry"
                                + " backoff", e);
                        abort = true;
                        break;
                    }
                    continue;
                }
                String why;
                if (!kind.isTransient()) {
                    why = "permanent failure";
                    abort = true;
                } else if (attempt >= spec.retry().maxAttempts()) {
                    why = "transient failure, " + attempt + " attempts exhausted";
                } else {
                    why = "transient failure, retry budget of " + spec.retry().retryBudget()
                            + " retries exhausted";
                    abort = true;
                }
                failure = fail(migration, batch, r, where, kind, attempt, why, e);
                break;
            }
        }
        if (done != null) {
            if (done.rows() > 0) {
                loop.lower = Keys.components(done.cursor(), spec.keyColumns().size(), "cursor");
            }
            loop.rowsDone += done.rows();
            Object cur = loop.lower == null ? null : Keys.cursorOf(loop.lower);
            if (done.last()) {
                batch.completeLast(done.rows(), cur);
            } else {
                batch.complete(done.rows(), cur);
            }
        } else {
            batch.fail(failure);
            if (abort) {
                run.reportRed(failure.getMessage());
            }
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private JdbcBatchException fail(String migration, Batch batch, KeyRange r, String where, FailureKind kind,
            int attempts, String why, Exception e) {
        String desc = schema == null ? "database" : schema.describe();
        String msg = "batch " + batch.sequence() + " of table '" + spec.table() + "' on " + desc + " failed in "
                + where + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + " (" + why + ", " + kind
                + "): " + brief(e);
        error("batch-failed", "migration={} table={} batch={} range=\"{}\" kind={} attempts={} reason=\"{}\""
                + " error=\"{}\"", migration, spec.table(), batch.sequence(), where, kind, attempts, why, brief(e));
        return new JdbcBatchException(migration, batch.phase(), msg, r, kind, attempts, e);
    }

    /** Class, first line of the message, SQLState and code: driver messages may append the SQL on more lines. */
    static String brief(Throwable e) {
        String m = e.getMessage();
        if (m != null) {
            int nl = m.indexOf('\n');
            m = (nl >= 0 ? m.substring(0, nl) : m).strip();
            if (m.endsWith("; SQL statement:")) {
                m = m.substring(0, m.length() - "; SQL statement:".length());
            }
        }
        String state = e instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState()
                + ", code " + s.getErrorCode() + "]" : "";
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.strip()) + state;
    }

    private void markCompleted(String migration, long rowsDone, List<Object> lower, TimeSource time) {
        try (Connection c = spec.dataSource().getConnection()) {
            c.setAutoCommit(false);
            Schema s = schema(c);
            Checkpoint cp = s.checkpoint().read(c, migration, true);
            if (cp != null && cp.status() != Checkpoint.Status.COMPLETED && cp.rowsDone() == rowsDone) {
                s.checkpoint().advance(c, migration, rowsDone, rowsDone, cp.cursorText(), cp.phase(),
                        Checkpoint.Status.COMPLETED, time.wallTimeMillis());
            }
            c.commit();
        } catch (SQLException e) {
            warn("checkpoint", "migration={} could not mark the checkpoint completed (a restart will find no rows"
                    + " and complete it): {}", migration, brief(e));
        }
    }

    /** One batch: keys, work, checkpoint, commit. */
    private Outcome batch(Connection c, Schema s, String migration, Batch batch, int size, List<Object> lower,
            long rowsDone, TimeSource time, KeyRange[] rangeOut) throws SQLException {
        if (spec.checkpointing()) {
            Checkpoint cp = s.checkpoint().read(c, migration, true);
            if (cp == null || cp.rowsDone() != rowsDone) {
                throw new ConcurrentRunException("checkpoint of migration '" + migration + "' moved to rows="
                        + (cp == null ? "(deleted)" : cp.rowsDone()) + " while this run expected rows=" + rowsDone
                        + ": another worker is running the same migration");
            }
        }
        if (!spec.beforeEachBatch().isEmpty()) {
            try (Statement st = c.createStatement()) {
                for (String q : spec.beforeEachBatch()) {
                    st.execute(q);
                }
            }
        }
        List<Object> upTo = Keys.components(spec.upTo(), spec.keyColumns().size(), "range upper bound");
        Keyset.Predicate p = s.keyset().range(lower, upTo);
        String q = s.select().get(p.sql(), size);
        long n = 0;
        Object first = null;
        Object last = null;
        try (PreparedStatement ps = c.prepareStatement(q)) {
            timeout(ps);
            bind(ps, p.binds(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                // the batch needs its first and last keys; an integer key is read as a long after the first row,
                // with no object per row (the common case, and the cost of a bare loop)
                boolean longKey = false;
                long lastLong = 0;
                while (rs.next()) {
                    if (n == 0) {
                        first = Keys.read(rs, spec.keyColumns());
                        last = first;
                        longKey = first instanceof Long && Keys.isIntegerColumn(rs);
                    } else if (longKey) {
                        lastLong = rs.getLong(1);
                        if (lastLong == 0 && rs.wasNull()) { // getLong reads NULL as 0: ask only then
                            Keys.normalize(null, spec.keyColumns().get(0)); // throws: keys must not be NULL
                        }
                    } else {
                        last = Keys.read(rs, spec.keyColumns());
                    }
                    n++;
                }
                if (longKey && n > 1) {
                    last = lastLong;
                }
            }
        }
        Object prevCursor = lower == null ? null : Keys.cursorOf(lower);
        if (n == 0) {
            if (spec.checkpointing()) {
                advanced(s.checkpoint().advance(c, migration, rowsDone, rowsDone, Keys.encode(prevCursor),
                        batch.phase(), Checkpoint.Status.COMPLETED, time.wallTimeMillis()), migration, rowsDone);
            }
            c.commit();
            if (LOG.isDebugEnabled()) {
                debug("batch", "migration={} batch={} rows=0 outcome=exhausted", migration, batch.sequence());
            }
            return new Outcome(0, prevCursor, true);
        }
        List<Object> upper = Keys.components(last, spec.keyColumns().size(), "key");
        KeyRange range = s.keyset().keyRange(lower, upper, n);
        rangeOut[0] = range;
        long changed;
        if (spec.operation() != null) {
            changed = spec.operation().apply(c, range);
        } else {
            changed = runStatement(c, s, range, lower, first);
        }
        boolean isLast = n < size;
        if (spec.checkpointing()) {
            advanced(s.checkpoint().advance(c, migration, rowsDone, rowsDone + n, Keys.encode(last), batch.phase(),
                    isLast ? Checkpoint.Status.COMPLETED : Checkpoint.Status.RUNNING, time.wallTimeMillis()),
                    migration, rowsDone);
        }
        c.commit();
        if (LOG.isDebugEnabled()) { // checked first: the arguments' array and boxes would cost every batch
            debug("batch", "migration={} batch={} range=\"{}\" rows={} changed={} last={}", migration,
                    batch.sequence(), range, n, changed, isLast);
        }
        return new Outcome(n, last, isLast);
    }

    /** The row is locked and was checked; a miss here means it changed anyway: never commit the batch then. */
    private static void advanced(boolean updated, String migration, long rowsDone) {
        if (!updated) {
            throw new ConcurrentRunException("checkpoint of migration '" + migration + "' no longer holds rows="
                    + rowsDone + ": another worker is running the same migration");
        }
    }

    private long runStatement(Connection c, Schema s, KeyRange range, List<Object> lower, Object first)
            throws SQLException {
        if (rangeTokens > 0) {
            try (PreparedStatement ps = c.prepareStatement(rangeStatement.get(range.predicate(), 0))) {
                timeout(ps);
                int i = 1;
                for (int k = 0; k < rangeTokens; k++) {
                    i = range.bind(ps, i);
                }
                return ps.executeUpdate();
            }
        }
        // '?' form: single key column, (lower exclusive, upper inclusive)
        Object lo;
        if (lower != null) {
            lo = lower.get(0);
        } else if (first instanceof Long l && l > Long.MIN_VALUE) {
            lo = l - 1;
        } else if (first instanceof BigDecimal d) {
            lo = d.subtract(BigDecimal.ONE);
        } else {
            throw new IllegalStateException("statement with '?' placeholders needs a numeric key or a range lower"
                    + " bound for its first batch (first key " + Keys.show(first) + "); write " + RANGE_TOKEN
                    + " in the statement instead");
        }
        try (PreparedStatement ps = c.prepareStatement(spec.statement())) {
            timeout(ps);
            ps.setObject(1, lo);
            ps.setObject(2, range.upper());
            return ps.executeUpdate();
        }
    }

    static int count(String s, String token) {
        int n = 0;
        for (int i = s.indexOf(token); i >= 0; i = s.indexOf(token, i + token.length())) {
            n++;
        }
        return n;
    }

    private void timeout(Statement st) throws SQLException {
        if (spec.statementTimeout() != null) {
            st.setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, spec.statementTimeout().toSeconds())));
        }
    }

    private static void bind(PreparedStatement ps, List<Object> binds, int from) throws SQLException {
        int i = from;
        for (Object v : binds) {
            ps.setObject(i++, v);
        }
    }

    /** Rolls back; false if the connection is unusable. */
    private static boolean rollback(Connection c) {
        if (c == null) {
            return false;
        }
        try {
            c.rollback();
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static void close(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // closing a broken connection: nothing to do, the server rolls back what was not committed
        }
    }

    // ------------------------------------------------------------------------------------------ sizing

    public KeySpace keySpace() {
        try (Connection c = spec.dataSource().getConnection()) {
            Schema s = schema(c);
            List<Object> after = Keys.components(spec.after(), spec.keyColumns().size(), "range lower bound");
            List<Object> upTo = Keys.components(spec.upTo(), spec.keyColumns().size(), "range upper bound");
            Keyset.Predicate p = s.keyset().range(after, upTo);
            Object min = edge(c, s, p, false);
            Object max = edge(c, s, p, true);
            return new KeySpace(min, max, spec.after());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot measure the key space of table '" + spec.table() + "': "
                    + brief(e), e);
        }
    }

    private Object edge(Connection c, Schema s, Keyset.Predicate p, boolean desc) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + s.keyset().columnList() + " FROM " + s.table()
                + " WHERE " + p.sql() + " ORDER BY " + s.keyset().orderBy(desc) + " LIMIT 1")) {
            bind(ps, p.binds(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Keys.read(rs, spec.keyColumns()) : null;
            }
        }
    }

    public long countRows() {
        try (Connection c = spec.dataSource().getConnection()) {
            Schema s = schema(c);
            Keyset.Predicate p = s.keyset().range(Keys.components(spec.after(), spec.keyColumns().size(),
                    "range lower bound"), Keys.components(spec.upTo(), spec.keyColumns().size(), "range upper bound"));
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + s.table() + " WHERE "
                    + p.sql())) {
                bind(ps, p.binds(), 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the rows of table '" + spec.table() + "': " + brief(e), e);
        }
    }

    public long estimateRows() {
        try (Connection c = spec.dataSource().getConnection()) {
            Schema s = schema(c);
            String[] parts = spec.table().split("\\.");
            String name = s.sql().fold(parts[parts.length - 1]);
            String schemaName = parts.length > 1 ? s.sql().fold(parts[parts.length - 2]) : null;
            String q;
            switch (s.sql().dialect()) {
                case POSTGRESQL:
                    q = "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = to_regclass(?)";
                    break;
                case H2:
                    q = "SELECT ROW_COUNT_ESTIMATE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA ="
                            + " COALESCE(?, SCHEMA()) AND TABLE_NAME = ?";
                    break;
                default:
                    q = "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE())"
                            + " AND TABLE_NAME = ?";
                    break;
            }
            try (PreparedStatement ps = c.prepareStatement(q)) {
                if (s.sql().dialect() == Dialect.POSTGRESQL) {
                    ps.setString(1, s.table());
                } else {
                    ps.setString(1, schemaName);
                    ps.setString(2, name);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null && rs.getLong(1) > 0) {
                        return rs.getLong(1);
                    }
                }
            }
            return -1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot estimate the rows of table '" + spec.table() + "': " + brief(e),
                    e);
        }
    }

    // ------------------------------------------------------------------------------------------ logging

    private static void log(String event, String format, Object... args) {
        if (LOG.isInfoEnabled()) {
            LOG.info(event + " " + format, args);
        }
    }

    /** Callers check {@code LOG.isDebugEnabled()} first: a per-batch call would build its arguments for nothing. */
    private static void debug(String event, String format, Object... args) {
        LOG.debug(event + " " + format, args);
    }

    private static void warn(String event, String format, Object... args) {
        LOG.warn(event + " " + format, args);
    }

    private static void error(String event, String format, Object... args) {
        LOG.error(event + " " + format, args);
    }

    private record Outcome(long rows, Object cursor, boolean last) {
    }

    /** Another worker moved the checkpoint: permanent. */
    static final class ConcurrentRunException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ConcurrentRunException(String message) {
            super(message);
        }
    }
}
