package io.migobs.jdbc.internal;

import io.migobs.InvariantResult;
import io.migobs.jdbc.JdbcChecksum;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/** Count + XOR-of-MD5 checksums of key ranges on two sides, with bisection. Thread-safe. Not API. */
public final class ChecksumEngine {

    /** One side of the comparison, as configured. */
    public record Side(DataSource dataSource, String table, List<String> keyColumns, List<String> values,
            boolean expressions) {
    }

    /** A side resolved for its database. */
    private record Resolved(Side side, Sql sql, String table, Keyset keyset, String checksumSelect,
            String describe) {
    }

    private final Side source;
    private final Side target;
    private final int randomRows;
    private final RandomGenerator random;
    private final int maxBisections;
    private volatile Resolved rs;
    private volatile Resolved rt;

    public ChecksumEngine(Side source, Side target, int randomRows, RandomGenerator random, int maxBisections) {
        this.source = source;
        this.target = target;
        this.randomRows = randomRows;
        this.random = random;
        this.maxBisections = maxBisections;
    }

    private static Resolved resolve(Side side, Connection c) throws SQLException {
        Sql sql = Sql.of(c);
        String table = sql.table(side.table(), "table");
        List<String> keys = sql.columns(side.keyColumns(), "key column");
        List<String> parts = new ArrayList<>();
        List<String> all = new ArrayList<>(keys);
        for (String v : side.values()) {
            all.add(side.expressions() ? "(" + v + ")" : sql.column(v, "column"));
        }
        for (String v : all) {
            String text = sql.castText(v);
            parts.add("COALESCE(" + text + ", '')");
            parts.add("COALESCE(" + sql.castText(sql.charLength(text)) + ", '-1')");
        }
        String row = "CONCAT_WS('#', " + String.join(", ", parts) + ")";
        String select = "SELECT COUNT(*), " + sql.xorAgg(sql.hash64(row)) + " FROM " + table + " WHERE ";
        return new Resolved(side, sql, table, new Keyset(keys), select, Sql.describe(c));
    }

    private Resolved src(Connection c) throws SQLException {
        Resolved r = rs;
        if (r == null) {
            r = resolve(source, c);
            rs = r;
        }
        return r;
    }

    private Resolved tgt(Connection c) throws SQLException {
        Resolved r = rt;
        if (r == null) {
            r = resolve(target, c);
            rt = r;
        }
        return r;
    }

    private record Sum(long rows, long hash) {
    }

    private static Sum sum(Connection c, Resolved r, List<Object> lower, List<Object> upper) throws SQLException {
        Keyset.Predicate p = r.keyset().range(lower, upper);
        try (PreparedStatement ps = c.prepareStatement(r.checksumSelect() + p.sql())) {
            bind(ps, p.binds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                BigDecimal h = rs.getBigDecimal(2);
                return new Sum(rs.getLong(1), h == null ? 0 : h.toBigInteger().longValue());
            }
        }
    }

    private static Object keyAt(Connection c, Resolved r, List<Object> lower, List<Object> upper, long offset)
            throws SQLException {
        Keyset.Predicate p = r.keyset().range(lower, upper);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + r.keyset().columnList() + " FROM " + r.table()
                + " WHERE " + p.sql() + " ORDER BY " + r.keyset().orderBy(false) + " LIMIT 1 OFFSET " + offset)) {
            bind(ps, p.binds());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Keys.read(rs, r.side().keyColumns()) : null;
            }
        }
    }

    private static long count(Connection c, Resolved r, List<Object> lower, List<Object> upper) throws SQLException {
        Keyset.Predicate p = r.keyset().range(lower, upper);
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + r.table() + " WHERE " + p.sql())) {
            bind(ps, p.binds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement ps, List<Object> binds) throws SQLException {
        int i = 1;
        for (Object v : binds) {
            ps.setObject(i++, v);
        }
    }

    /** Compares (after, upTo] with bisection on mismatch. */
    public JdbcChecksum.Comparison compare(Object after, Object upTo) throws SQLException {
        int n = source.keyColumns().size();
        List<Object> lower = Keys.components(after, n, "checksum lower bound");
        List<Object> upper = Keys.components(upTo, n, "checksum upper bound");
        boolean same = source.dataSource() == target.dataSource();
        try (Connection cs = source.dataSource().getConnection();
                Connection ct0 = same ? null : target.dataSource().getConnection()) {
            Connection ct = same ? cs : ct0;
            Resolved a = src(cs);
            Resolved b = tgt(ct);
            Sum s = sum(cs, a, lower, upper);
            Sum t = sum(ct, b, lower, upper);
            int queries = 2;
            String range = "(" + Keys.show(cursor(lower)) + ", " + (upper == null ? "+inf" : Keys.show(cursor(upper)))
                    + "]";
            if (s.equals(t)) {
                return new JdbcChecksum.Comparison(true, s.rows(), t.rows(), s.hash(), t.hash(), range, null, queries);
            }
            List<Object> lo = lower;
            List<Object> hi = upper;
            Sum ls = s;
            Sum lt = t;
            for (int step = 0; step < maxBisections; step++) {
                long rows = Math.max(ls.rows(), lt.rows());
                if (rows <= 1) {
                    break;
                }
                boolean fromSource = ls.rows() >= lt.rows();
                Object mid = keyAt(fromSource ? cs : ct, fromSource ? a : b, lo, hi, rows / 2 - 1);
                queries++;
                if (mid == null) {
                    break;
                }
                List<Object> m = Keys.components(mid, n, "key");
                Sum s1 = sum(cs, a, lo, m);
                Sum t1 = sum(ct, b, lo, m);
                queries += 2;
                if (!s1.equals(t1)) {
                    hi = m;
                    ls = s1;
                    lt = t1;
                } else {
                    Sum s2 = sum(cs, a, m, hi);
                    Sum t2 = sum(ct, b, m, hi);
                    queries += 2;
                    if (s2.equals(t2)) {
                        break; // the halves match but the whole does not: cannot narrow further
                    }
                    lo = m;
                    ls = s2;
                    lt = t2;
                }
            }
            String mismatch = "(" + Keys.show(cursor(lo)) + ", " + (hi == null ? "+inf" : Keys.show(cursor(hi))) + "]";
            return new JdbcChecksum.Comparison(false, s.rows(), t.rows(), s.hash(), t.hash(), range,
                    mismatch + " (source rows " + ls.rows() + ", target rows " + lt.rows() + ")", queries);
        }
    }

    private static Object cursor(List<Object> l) {
        return l == null ? null : Keys.cursorOf(l);
    }

    /** The invariant: the run's range since the last check, and a random earlier range if configured. */
    public InvariantResult check(Object fromCursor, Object toCursor) throws SQLException {
        long sampled = 0;
        StringBuilder ok = new StringBuilder();
        if (toCursor == null || !Objects.equals(fromCursor, toCursor)) {
            JdbcChecksum.Comparison c = compare(fromCursor, toCursor);
            sampled += Math.max(c.sourceRows(), c.targetRows());
            if (!c.matches()) {
                return InvariantResult.fail(sampled, "source " + source.table() + " and target " + target.table()
                        + " differ in key range " + c.mismatch() + "; checked range " + c.range() + ": source rows "
                        + c.sourceRows() + " vs target rows " + c.targetRows());
            }
            ok.append(c.sourceRows()).append(" rows in ").append(c.range()).append(" match");
        }
        if (randomRows > 0 && fromCursor != null) {
            int n = source.keyColumns().size();
            List<Object> upTo = Keys.components(fromCursor, n, "cursor");
            Object lowKey;
            Object highKey;
            try (Connection c = source.dataSource().getConnection()) {
                Resolved a = src(c);
                long total = count(c, a, null, upTo);
                if (total == 0) {
                    return new InvariantResult(true, sampled, ok.length() == 0 ? "nothing to compare" : ok.toString());
                }
                long k = Math.min(randomRows, total);
                long off;
                synchronized (random) {
                    off = random.nextLong(total - k + 1);
                }
                lowKey = off == 0 ? null : keyAt(c, a, null, upTo, off - 1);
                highKey = keyAt(c, a, null, upTo, off + k - 1);
            }
            JdbcChecksum.Comparison c = compare(lowKey, highKey);
            sampled += Math.max(c.sourceRows(), c.targetRows());
            if (!c.matches()) {
                return InvariantResult.fail(sampled, "source " + source.table() + " and target " + target.table()
                        + " differ in earlier key range " + c.mismatch() + " (random sample " + c.range() + ")");
            }
            ok.append(ok.length() == 0 ? "" : "; ").append("random earlier ").append(c.sourceRows())
                    .append(" rows in ").append(c.range()).append(" match");
        }
        return new InvariantResult(true, sampled, ok.length() == 0 ? "no new rows since the last check"
                : ok.toString());
    }
}
