package io.migobs.jdbc;

import io.migobs.Invariant;
import io.migobs.InvariantContext;
import io.migobs.InvariantResult;
import io.migobs.jdbc.internal.ChecksumEngine;
import io.migobs.jdbc.internal.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * A checksum {@link Invariant}: compares a source and a target over a key range by row count and by the XOR of a
 * 64-bit hash of every row, computed inside each database; a mismatch fails the check (red) with the mismatching
 * key range, narrowed by bisection.
 *
 * <pre>{@code
 * JdbcChecksum checksum = JdbcChecksum.builder(source, "orders").keyColumns("id").columns("total", "status")
 *         .target(target, "orders_v2").build();
 * MigrationPlan.builder("copy-orders").invariant("checksum", Cadence.everyRows(50_000), checksum) ...
 * }</pre>
 *
 * <p><b>Range.</b> Each check compares the rows the run wrote since the previous check:
 * {@code (context.fromCursor(), context.toCursor()]} (the whole table when both are null). With
 * {@link Builder#randomEarlierRange(int, RandomGenerator)} it also compares a random run of that many earlier rows,
 * which catches later damage to rows already copied.
 *
 * <p><b>Hash.</b> Per row, the text {@code CONCAT_WS('#', v1, len1, v2, len2, ...)} over the key columns and the
 * compared columns, where {@code v} is the value cast to text (empty for NULL) and {@code len} its character length
 * (-1 for NULL), so NULL, the empty string and values containing '#' are all distinct; the row's hash is the first 8
 * bytes of the MD5 of that text (UTF-8), and the range's checksum is the XOR of the row hashes, with the count:
 * PostgreSQL {@code bit_xor(('x'||substr(md5(t),1,16))::bit(64)::bigint)} (PostgreSQL 14+), MariaDB/MySQL
 * {@code BIT_XOR(CONV(SUBSTRING(MD5(t),1,16),16,10))}, H2 {@code BIT_XOR_AGG(CAST(SUBSTRING(HASH('MD5',t),1,8) AS
 * BIGINT))}. The hashes agree across dialects when the values' text forms agree (integers, text, decimals of the same
 * scale); timestamps, booleans and floating-point numbers print differently across dialects, so compare them
 * through {@link Builder#sourceExpressions expressions} that normalize them, or between databases of one dialect.
 *
 * <p><b>Verifying a backfill in place.</b> Source and target may be the same table: compare an expression of the
 * old column with the new column, e.g. {@code sourceExpressions("LOWER(email)")} with
 * {@code targetColumns("email_normalized")}.
 *
 * <p>Immutable and thread-safe (except the random generator given to the builder, which is used under a lock).
 */
public final class JdbcChecksum implements Invariant {
    private final ChecksumEngine engine;

    private JdbcChecksum(ChecksumEngine engine) {
        this.engine = engine;
    }

    /**
     * Starts configuring a checksum of a source table.
     *
     * @param source the source database
     * @param table the source table; validated
     * @return a builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the table name is invalid
     */
    public static Builder builder(DataSource source, String table) {
        return new Builder(source, table);
    }

    /**
     * Runs the check over the context's range (and a random earlier one if configured).
     *
     * @param context the run's context
     * @return pass with the rows compared, or fail with the mismatching range
     * @throws java.sql.SQLException if a query fails (the core counts it as a failure)
     */
    @Override
    public InvariantResult check(InvariantContext context) throws java.sql.SQLException {
        return engine.check(context.fromCursor(), context.toCursor());
    }

    /**
     * Compares source and target over {@code (after, upTo]} now, without a run.
     *
     * @param after exclusive lower bound (a key, or a list for a composite key), or null for the start
     * @param upTo inclusive upper bound, or null for the end
     * @return the comparison, with the narrowed mismatching range when they differ
     * @throws java.sql.SQLException if a query fails
     */
    public Comparison compare(Object after, Object upTo) throws java.sql.SQLException {
        return engine.compare(after, upTo);
    }

    /**
     * The outcome of one comparison.
     *
     * @param matches whether counts and hashes are equal
     * @param sourceRows rows in the range on the source
     * @param targetRows rows in the range on the target
     * @param sourceHash XOR of the source's row hashes (0 for no row)
     * @param targetHash XOR of the target's row hashes
     * @param range the compared range as text, {@code (after, upTo]}
     * @param mismatch the narrowed range where they differ as text, or null when they match
     * @param queries checksum queries run (including bisection)
     */
    public record Comparison(boolean matches, long sourceRows, long targetRows, long sourceHash, long targetHash,
            String range, String mismatch, int queries) {
    }

    /** Configures a {@link JdbcChecksum}. Not thread-safe. */
    public static final class Builder {
        private final DataSource source;
        private final String sourceTable;
        private DataSource target;
        private String targetTable;
        private List<String> keyColumns;
        private List<String> targetKeyColumns;
        private List<String> columns;
        private List<String> targetColumns;
        private List<String> sourceExpressions;
        private List<String> targetExpressions;
        private int randomRows;
        private RandomGenerator random;
        private int maxBisections = 12;

        private Builder(DataSource source, String table) {
            this.source = Objects.requireNonNull(source, "source dataSource cannot be null");
            this.sourceTable = Sql.validate(table, "source table", true);
        }

        /**
         * The key columns of the source (and, by default, of the target), unique: they order the rows and bound the
         * ranges, in the shape of the run's cursor.
         *
         * @param names column names; validated
         * @return this builder
         */
        public Builder keyColumns(String... names) {
            this.keyColumns = names("key column", names);
            return this;
        }

        /**
         * The compared columns of the source (and, by default, of the target).
         *
         * @param names column names; validated
         * @return this builder
         */
        public Builder columns(String... names) {
            this.columns = names("column", names);
            return this;
        }

        /**
         * The target: another table, possibly in another database.
         *
         * @param dataSource the target database
         * @param table the target table; validated
         * @return this builder
         */
        public Builder target(DataSource dataSource, String table) {
            this.target = Objects.requireNonNull(dataSource, "target dataSource cannot be null");
            this.targetTable = Sql.validate(table, "target table", true);
            return this;
        }

        /**
         * The target's key columns when named differently.
         *
         * @param names column names; validated
         * @return this builder
         */
        public Builder targetKeyColumns(String... names) {
            this.targetKeyColumns = names("target key column", names);
            return this;
        }

        /**
         * The target's compared columns when named differently.
         *
         * @param names column names; validated
         * @return this builder
         */
        public Builder targetColumns(String... names) {
            this.targetColumns = names("target column", names);
            return this;
        }

        /**
         * SQL expressions compared on the source instead of columns, e.g. {@code LOWER(email)}. Trusted code: never
         * built from user input.
         *
         * @param sql expressions over the source table's columns
         * @return this builder
         */
        public Builder sourceExpressions(String... sql) {
            this.sourceExpressions = exprs(sql);
            return this;
        }

        /**
         * SQL expressions compared on the target instead of columns. Trusted code.
         *
         * @param sql expressions over the target table's columns
         * @return this builder
         */
        public Builder targetExpressions(String... sql) {
            this.targetExpressions = exprs(sql);
            return this;
        }

        /**
         * Also compares a random run of {@code rows} earlier rows (up to the context's {@code fromCursor}) on every
         * check. Costs a count and an offset scan of the earlier keys.
         *
         * @param rows positive
         * @param random the generator (seed it for reproducible tests)
         * @return this builder
         * @throws IllegalArgumentException if rows is not positive
         */
        public Builder randomEarlierRange(int rows, RandomGenerator random) {
            if (rows <= 0) {
                throw new IllegalArgumentException("randomEarlierRange rows must be positive but was " + rows);
            }
            this.randomRows = rows;
            this.random = Objects.requireNonNull(random, "random cannot be null");
            return this;
        }

        /**
         * How many bisection steps may narrow a mismatch (each costs one checksum query per side).
         *
         * @param steps at least 0 (default 12)
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxBisections(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("maxBisections cannot be negative but was " + steps);
            }
            this.maxBisections = steps;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the checksum
         * @throws IllegalStateException if key columns are missing, nothing is compared, or the two sides compare a
         *         different number of values or keys
         */
        public JdbcChecksum build() {
            if (keyColumns == null) {
                throw new IllegalStateException("keyColumns must be set for the checksum of table '" + sourceTable
                        + "'");
            }
            if (columns != null && sourceExpressions != null) {
                throw new IllegalStateException("set either columns or sourceExpressions, not both");
            }
            if (targetColumns != null && targetExpressions != null) {
                throw new IllegalStateException("set either targetColumns or targetExpressions, not both");
            }
            List<String> tk = targetKeyColumns != null ? targetKeyColumns : keyColumns;
            if (tk.size() != keyColumns.size()) {
                throw new IllegalStateException("target has " + tk.size() + " key columns but source has "
                        + keyColumns.size());
            }
            boolean srcExpr = sourceExpressions != null;
            List<String> sv = srcExpr ? sourceExpressions : columns != null ? columns : List.of();
            boolean tgtExpr = targetExpressions != null || (targetColumns == null && srcExpr);
            List<String> tv = targetExpressions != null ? targetExpressions : targetColumns != null ? targetColumns
                    : sv;
            if (sv.isEmpty() && tv.isEmpty() && target == null) {
                throw new IllegalStateException("the checksum of table '" + sourceTable
                        + "' compares nothing: set columns or a target");
            }
            if (sv.size() != tv.size()) {
                throw new IllegalStateException("source compares " + sv.size() + " values but target compares "
                        + tv.size());
            }
            return new JdbcChecksum(new ChecksumEngine(
                    new ChecksumEngine.Side(source, sourceTable, keyColumns, sv, srcExpr),
                    new ChecksumEngine.Side(target != null ? target : source, targetTable != null ? targetTable
                            : sourceTable, tk, tv, tgtExpr),
                    randomRows, random, maxBisections));
        }

        private static List<String> names(String what, String... names) {
            Objects.requireNonNull(names, what + "s cannot be null");
            if (names.length == 0) {
                throw new IllegalArgumentException(what + "s need at least one name");
            }
            List<String> out = new ArrayList<>();
            for (String n : names) {
                out.add(Sql.validate(n, what, false));
            }
            return List.copyOf(out);
        }

        private static List<String> exprs(String... sql) {
            Objects.requireNonNull(sql, "expressions cannot be null");
            if (sql.length == 0) {
                throw new IllegalArgumentException("expressions need at least one expression");
            }
            for (String s : sql) {
                if (s == null || s.isBlank()) {
                    throw new IllegalArgumentException("expression cannot be null or blank");
                }
                if (s.contains(";")) {
                    throw new IllegalArgumentException("expression '" + s + "' must not contain ';'");
                }
            }
            return List.of(sql);
        }
    }
}
