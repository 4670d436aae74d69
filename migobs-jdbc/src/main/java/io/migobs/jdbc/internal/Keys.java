package io.migobs.jdbc.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** Key values: normalization of JDBC values, the cursor's text encoding, display and progress position. Not API. */
public final class Keys {
    private Keys() {
    }

    /** Normalizes a JDBC key value to Long, BigDecimal, String, UUID, LocalDate or LocalDateTime. */
    public static Object normalize(Object v, String column) {
        if (v == null) {
            throw new IllegalStateException("key column '" + column + "' holds NULL: key columns must be NOT NULL"
                    + " and unique");
        }
        if (v instanceof Long || v instanceof String || v instanceof BigDecimal || v instanceof UUID
                || v instanceof LocalDate || v instanceof LocalDateTime) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : new BigDecimal(b);
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof Character c) {
            return c.toString();
        }
        throw new IllegalStateException("key column '" + column + "' has type " + v.getClass().getName()
                + ", which is not supported as a key: use integer, decimal, text, UUID, date or timestamp columns");
    }

    /**
     * Whether the result's only column is a signed integer type whose every value {@link ResultSet#getLong} reads
     * exactly (not unsigned BIGINT, not a decimal).
     */
    public static boolean isIntegerColumn(ResultSet rs) throws SQLException {
        java.sql.ResultSetMetaData md = rs.getMetaData();
        if (md.getColumnCount() != 1 || !md.isSigned(1)) {
            return false;
        }
        int t = md.getColumnType(1);
        return t == java.sql.Types.BIGINT || t == java.sql.Types.INTEGER || t == java.sql.Types.SMALLINT
                || t == java.sql.Types.TINYINT;
    }

    /** Reads the key columns 1..n of the current row as a cursor (a value, or a list for composite keys). */
    public static Object read(ResultSet rs, List<String> columns) throws SQLException {
        if (columns.size() == 1) {
            return normalize(rs.getObject(1), columns.get(0));
        }
        List<Object> out = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            out.add(normalize(rs.getObject(i + 1), columns.get(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /** The components of a cursor for n key columns; null stays null. */
    public static List<Object> components(Object cursor, int n, String what) {
        if (cursor == null) {
            return null;
        }
        List<Object> out = new ArrayList<>(n);
        if (n == 1) {
            if (cursor instanceof List<?>) {
                throw new IllegalArgumentException(what + " " + show(cursor) + " is a list, but there is one key column");
            }
            out.add(normalize(cursor, what));
            return out;
        }
        if (!(cursor instanceof List<?> l) || l.size() != n) {
            throw new IllegalArgumentException(what + " " + show(cursor) + " must be a list of " + n
                    + " values, one per key column");
        }
        for (Object o : l) {
            out.add(normalize(o, what));
        }
        return out;
    }

    /** The cursor object for components. */
    public static Object cursorOf(List<Object> comps) {
        return comps.size() == 1 ? comps.get(0) : Collections.unmodifiableList(new ArrayList<>(comps));
    }

    /** Encodes a cursor as text (see Checkpoint's Javadoc). */
    public static String encode(Object cursor) {
        if (cursor == null) {
            return null;
        }
        List<?> parts = cursor instanceof List<?> l ? l : List.of(cursor);
        StringBuilder b = new StringBuilder();
        for (Object o : parts) {
            if (b.length() > 0) {
                b.append(',');
            }
            Object v = normalize(o, "cursor");
            char t;
            String s;
            if (v instanceof Long) {
                t = 'L';
                s = v.toString();
            } else if (v instanceof BigDecimal d) {
                t = 'D';
                s = d.toPlainString();
            } else if (v instanceof String str) {
                t = 'S';
                s = str;
            } else if (v instanceof UUID) {
                t = 'U';
                s = v.toString();
            } else if (v instanceof LocalDate) {
                t = 'd';
                s = v.toString();
            } else {
                t = 't';
                s = v.toString();
            }
            b.append(t).append(':').append(escape(s));
        }
        return b.toString();
    }

    /** Decodes {@link #encode(Object)}; a single component gives a value, several a list. */
    public static Object decode(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(",", -1);
        List<Object> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            if (p.length() < 2 || p.charAt(1) != ':') {
                throw new IllegalArgumentException("checkpoint cursor '" + text + "' is malformed: component '" + p
                        + "' is not TYPE:value");
            }
            String s = URLDecoder.decode(p.substring(2).replace("+", "%2B"), StandardCharsets.UTF_8);
            switch (p.charAt(0)) {
                case 'L':
                    out.add(Long.parseLong(s));
                    break;
                case 'D':
                    out.add(new BigDecimal(s));
                    break;
                case 'S':
                    out.add(s);
                    break;
                case 'U':
                    out.add(UUID.fromString(s));
                    break;
                case 'd':
                    out.add(LocalDate.parse(s));
                    break;
                case 't':
                    out.add(LocalDateTime.parse(s));
                    break;
                default:
                    throw new IllegalArgumentException("checkpoint cursor '" + text + "' has unknown type '"
                            + p.charAt(0) + "'");
            }
        }
        return cursorOf(out);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                b.append("%25");
            } else if (c == ',') {
                b.append("%2C");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A cursor for messages: values, strings quoted, at most 200 characters. */
    public static String show(Object cursor) {
        if (cursor == null) {
            return "-inf";
        }
        String s;
        if (cursor instanceof List<?> l) {
            StringBuilder b = new StringBuilder("(");
            for (Object o : l) {
                if (b.length() > 1) {
                    b.append(", ");
                }
                b.append(one(o));
            }
            s = b.append(')').toString();
        } else {
            s = one(cursor);
        }
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String one(Object o) {
        return o instanceof String || o instanceof UUID || o instanceof LocalDate || o instanceof LocalDateTime
                ? "'" + o + "'" : String.valueOf(o);
    }

    /** A number along the first key column, for progress; NaN when unknown. */
    public static double position(Object cursor) {
        Object v = cursor instanceof List<?> l ? (l.isEmpty() ? null : l.get(0)) : cursor;
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            double p = 0;
            double scale = 1;
            for (int i = 0; i < 4; i++) {
                scale /= 65536.0;
                p += (i < s.length() ? s.charAt(i) : 0) * scale;
            }
            return p;
        }
        if (v instanceof LocalDate d) {
            return d.toEpochDay();
        }
        if (v instanceof LocalDateTime t) {
            return t.toEpochSecond(ZoneOffset.UTC) + t.getNano() / 1e9;
        }
        if (v instanceof UUID u) {
            double hi = u.getMostSignificantBits();
            return hi < 0 ? hi + 0x1p64 : hi;
        }
        return Double.NaN;
    }
}
