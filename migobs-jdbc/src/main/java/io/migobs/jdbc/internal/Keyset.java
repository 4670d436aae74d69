package io.migobs.jdbc.internal;

import io.migobs.jdbc.KeyRange;
import java.util.ArrayList;
import java.util.List;

/** Keyset predicates over quoted key columns: {@code (lower, upper]}, index-friendly for composite keys. Not API. */
public final class Keyset {
    private final List<String> cols;
    /** Built once: the driver asks for them in every batch (String.join per batch showed in its CPU profile). */
    private final String columnList;
    private final String ascending;
    private final String descending;

    public Keyset(List<String> quotedColumns) {
        this.cols = List.copyOf(quotedColumns);
        this.columnList = String.join(", ", cols);
        this.ascending = order(cols, false);
        this.descending = order(cols, true);
    }

    private static String order(List<String> cols, boolean descending) {
        StringBuilder b = new StringBuilder();
        for (String c : cols) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(c).append(descending ? " DESC" : "");
        }
        return b.toString();
    }

    public String orderBy(boolean descending) {
        return descending ? this.descending : ascending;
    }

    public String columnList() {
        return columnList;
    }

    /** Appends "col > L" (exclusive) or "col >= L" (inclusive) in keyset form. */
    private void lowerBound(List<Object> l, boolean inclusive, StringBuilder sql, List<Object> binds) {
        int n = cols.size();
        if (n == 1) {
            sql.append(cols.get(0)).append(inclusive ? " >= ?" : " > ?");
            binds.add(l.get(0));
            return;
        }
        sql.append(cols.get(0)).append(" >= ? AND (");
        binds.add(l.get(0));
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int j = 0; j < i; j++) {
                sql.append(cols.get(j)).append(" = ? AND ");
                binds.add(l.get(j));
            }
            sql.append(cols.get(i)).append(i == n - 1 && inclusive ? " >= ?" : " > ?").append(')');
            binds.add(l.get(i));
        }
        sql.append(')');
    }

    private void upperBound(List<Object> u, StringBuilder sql, List<Object> binds) {
        int n = cols.size();
        if (n == 1) {
            sql.append(cols.get(0)).append(" <= ?");
            binds.add(u.get(0));
            return;
        }
        sql.append(cols.get(0)).append(" <= ? AND (");
        binds.add(u.get(0));
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int j = 0; j < i; j++) {
                sql.append(cols.get(j)).append(" = ? AND ");
                binds.add(u.get(j));
            }
            sql.append(cols.get(i)).append(i == n - 1 ? " <= ?" : " < ?").append(')');
            binds.add(u.get(i));
        }
        sql.append(')');
    }

    /** The predicate for (lower, upper]; either may be null. */
    public Predicate range(List<Object> lower, List<Object> upper) {
        StringBuilder sql = new StringBuilder("(");
        List<Object> binds = new ArrayList<>();
        if (lower != null) {
            lowerBound(lower, false, sql, binds);
        }
        if (upper != null) {
            if (lower != null) {
                sql.append(" AND ");
            }
            upperBound(upper, sql, binds);
        }
        if (lower == null && upper == null) {
            sql.append("1=1");
        }
        sql.append(')');
        return new Predicate(sql.toString(), binds);
    }

    public KeyRange keyRange(List<Object> lower, List<Object> upper, long rows) {
        Predicate p = range(lower, upper);
        return new KeyRange(lower == null ? null : Keys.cursorOf(lower), upper == null ? null : Keys.cursorOf(upper),
                rows, p.sql(), p.binds());
    }

    /** SQL and its bind values. */
    public record Predicate(String sql, List<Object> binds) {
    }
}
