package io.migobs.jdbc;

import io.migobs.jdbc.internal.Keys;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The keys of one batch: {@code (lower, upper]}, lower exclusive (null at the very start), upper inclusive, in the
 * order of the key columns. Handed to a {@link BatchOperation}, which restricts its SQL with {@link #predicate()}
 * and binds the values with {@link #bind(PreparedStatement, int)}.
 *
 * <p>A key value is a {@link Long} (integer columns), {@link java.math.BigDecimal}, {@link String},
 * {@link java.util.UUID}, {@link java.time.LocalDate} or {@link java.time.LocalDateTime}; a composite key is an
 * unmodifiable {@link List} of those, in key-column order. Immutable and thread-safe.
 */
public final class KeyRange {
    private final Object lower;
    private final Object upper;
    private final long rows;
    private final String predicate;
    private final List<Object> binds;

    /**
     * Built by the driver; public for tests of a {@link BatchOperation}.
     *
     * @param lower exclusive lower bound, or null for none
     * @param upper inclusive upper bound, or null for none
     * @param rows keys in the range as counted by the driver, or -1 if unknown
     * @param predicate SQL boolean expression with one '?' per bind value
     * @param binds the values for the predicate's placeholders, in order
     */
    public KeyRange(Object lower, Object upper, long rows, String predicate, List<Object> binds) {
        this.lower = lower;
        this.upper = upper;
        this.rows = rows;
        this.predicate = predicate;
        this.binds = List.copyOf(binds);
    }

    /** @return the exclusive lower bound (the previous batch's last key), or null at the start */
    public Object lower() {
        return lower;
    }

    /** @return the inclusive upper bound (this batch's last key), or null for an unbounded range */
    public Object upper() {
        return upper;
    }

    /** @return keys in the range as counted by the driver (the batch's row count), or -1 if unknown */
    public long rows() {
        return rows;
    }

    /**
     * The range as a SQL boolean expression over the quoted key columns, with '?' placeholders, e.g.
     * {@code ("ID" > ? AND "ID" <= ?)}; for a composite key an index-friendly expansion of the row comparison.
     *
     * @return the predicate; {@code 1=1} for an unbounded range
     */
    public String predicate() {
        return predicate;
    }

    /**
     * Binds the predicate's values.
     *
     * @param statement the statement whose SQL contains {@link #predicate()}
     * @param firstIndex the JDBC index (from 1) of the predicate's first placeholder
     * @return the index after the last one bound
     * @throws SQLException if binding fails
     */
    public int bind(PreparedStatement statement, int firstIndex) throws SQLException {
        int i = firstIndex;
        for (Object v : binds) {
            statement.setObject(i++, v);
        }
        return i;
    }

    /** @return the values bound by {@link #bind(PreparedStatement, int)}, in order */
    public List<Object> bindValues() {
        return binds;
    }

    /** @return {@code (lower, upper]} with the keys as text */
    @Override
    public String toString() {
        return "(" + Keys.show(lower) + ", " + Keys.show(upper) + "]";
    }
}
