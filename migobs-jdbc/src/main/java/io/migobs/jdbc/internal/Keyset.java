package io.migobs.jdbc.internal;

import io.migobs.jdbc.KeyRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Keyset predicates over quoted key columns: {@code (lower, upper]}, index-friendly for composite keys. Not API. */
public final class Keyset {
    private final List<String> cols;
    /** Built once: the driver asks for them in every batch (String.join per batch showed in its CPU profile). */
    private final String columnList;
    private final String ascending;
    private final String descending;
    /**
     * The predicate texts by shape: the text of a range depends only on which bounds it has, never on their values;
     * index {@code (lower ? 1 : 0) + (upper ? 2 : 0)}. Built on first use: the driver asks for two ranges per batch.
     */
    private final String[] predicates = new String[4];

    /** The positions, in the bound's key components, of one bound's placeholder values, in order. */
    private final int[] lowerFrom;
    private final int[] upperFrom;

    public Keyset(List<String> quotedColumns) {
        this.cols = List.copyOf(quotedColumns);
        this.columnList = String.join(", ", cols);
        this.ascending = order(cols, false);
        this.descending = order(cols, true);
        List<Integer> from = new ArrayList<>();
        lowerBound(new StringBuilder(), from);
        this.lowerFrom = from.stream().mapToInt(Integer::intValue).toArray();
        from.clear();
        upperBound(new StringBuilder(), from);
        this.upperFrom = from.stream().mapToInt(Integer::intValue).toArray();
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

    /** Appends "col > L" in keyset form, and the positions in L of its placeholders' values. */
    private void lowerBound(StringBuilder sql, List<Integer> from) {
        int n = cols.size();
        if (n == 1) {
            sql.append(cols.get(0)).append(" > ?");
            from.add(0);
            return;
        }
        sql.append(cols.get(0)).append(" >= ? AND (");
        from.add(0);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int j = 0; j < i; j++) {
                sql.append(cols.get(j)).append(" = ? AND ");
                from.add(j);
            }
            sql.append(cols.get(i)).append(" > ?").append(')');
            from.add(i);
        }
        sql.append(')');
    }

    /** Appends "col <= U" in keyset form, and the positions in U of its placeholders' values. */
    private void upperBound(StringBuilder sql, List<Integer> from) {
        int n = cols.size();
        if (n == 1) {
            sql.append(cols.get(0)).append(" <= ?");
            from.add(0);
            return;
        }
        sql.append(cols.get(0)).append(" <= ? AND (");
        from.add(0);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int j = 0; j < i; j++) {
                sql.append(cols.get(j)).append(" = ? AND ");
                from.add(j);
            }
            sql.append(cols.get(i)).append(i == n - 1 ? " <= ?" : " < ?").append(')');
            from.add(i);
        }
        sql.append(')');
    }

    private String predicate(boolean lower, boolean upper) {
        int shape = (lower ? 1 : 0) + (upper ? 2 : 0);
        String text = predicates[shape];
        if (text == null) {
            StringBuilder sql = new StringBuilder("(");
            List<Integer> ignored = new ArrayList<>();
            if (lower) {
                lowerBound(sql, ignored);
            }
            if (upper) {
                if (lower) {
                    sql.append(" AND ");
                }
                upperBound(sql, ignored);
            }
            if (!lower && !upper) {
                sql.append("1=1");
            }
            text = sql.append(')').toString();
            predicates[shape] = text; // a race builds the same text twice: harmless
        }
        return text;
    }

    /** The predicate for (lower, upper]; either may be null. */
    public Predicate range(List<Object> lower, List<Object> upper) {
        int size = (lower == null ? 0 : lowerFrom.length) + (upper == null ? 0 : upperFrom.length);
        Object[] binds = new Object[size];
        int k = 0;
        if (lower != null) {
            for (int i : lowerFrom) {
                binds[k++] = lower.get(i);
            }
        }
        if (upper != null) {
            for (int i : upperFrom) {
                binds[k++] = upper.get(i);
            }
        }
        return new Predicate(predicate(lower != null, upper != null), Arrays.asList(binds));
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
