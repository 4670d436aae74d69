package io.migobs.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.jdbc.KeyRange;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The keyset predicate selects exactly the keys in {@code (lower, upper]} in key-column order, for one to three key
 * columns and every shape of range, on a real database (H2): its text is built once per shape and reused, with the
 * bound's values in the placeholders' order.
 */
class KeysetTest {
    private static final int VALUES = 4;

    @Property(tries = 300)
    void aRangeSelectsExactlyTheKeysBetweenItsBoundsInKeyOrder(@ForAll @IntRange(min = 1, max = 3) int columns,
            @ForAll("bounds") List<Integer> lowerDigits, @ForAll("bounds") List<Integer> upperDigits,
            @ForAll boolean hasLower, @ForAll boolean hasUpper) throws SQLException {
        List<Object> lower = hasLower ? key(lowerDigits, columns) : null;
        List<Object> upper = hasUpper ? key(upperDigits, columns) : null;
        Keyset keyset = keysets.get(columns - 1);
        // twice with the same instance, once after another shape: the reused text must bind the new values
        Keyset.Predicate other = keyset.range(upper, lower);
        assertThat(other.binds()).hasSize(count(upper, lower, columns));
        for (int round = 0; round < 2; round++) {
            Keyset.Predicate p = keyset.range(lower, upper);
            assertThat(p.binds()).hasSize(count(lower, upper, columns));
            assertThat(select(columns, p)).isEqualTo(expected(columns, lower, upper));
        }
    }

    @Test
    void aKeyRangeCarriesThePredicateOfItsBoundsAndTheirValues() throws SQLException {
        Keyset keyset = keysets.get(1);
        KeyRange r = keyset.keyRange(List.of(1L, 2L), List.of(3L, 0L), 7);
        assertThat(r.lower()).isEqualTo(List.of(1L, 2L));
        assertThat(r.upper()).isEqualTo(List.of(3L, 0L));
        assertThat(r.rows()).isEqualTo(7);
        assertThat(r.predicate()).isEqualTo("(k1 >= ? AND ((k1 > ?) OR (k1 = ? AND k2 > ?)) AND k1 <= ? AND"
                + " ((k1 < ?) OR (k1 = ? AND k2 <= ?)))");
        assertThat(r.bindValues()).containsExactly(1L, 1L, 1L, 2L, 3L, 3L, 3L, 0L);
        assertThat(select(2, new Keyset.Predicate(r.predicate(), r.bindValues())))
                .isEqualTo(expected(2, List.of(1L, 2L), List.of(3L, 0L)));
        assertThat(keyset.range(null, null).sql()).isEqualTo("(1=1)");
        assertThat(keyset.range(null, null).binds()).isEmpty();
    }

    @Provide
    Arbitrary<List<Integer>> bounds() {
        return Arbitraries.integers().between(-1, VALUES).list().ofSize(3);
    }

    private final List<Keyset> keysets = List.of(new Keyset(List.of("k1")), new Keyset(List.of("k1", "k2")),
            new Keyset(List.of("k1", "k2", "k3")));

    private static List<Object> key(List<Integer> digits, int columns) {
        List<Object> key = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            key.add((long) digits.get(i));
        }
        return key;
    }

    private static int count(List<Object> lower, List<Object> upper, int columns) {
        // the keyset form names the first column once more, then column j once per later column
        int perBound = 1 + columns * (columns + 1) / 2;
        int n = columns == 1 ? 1 : perBound;
        return (lower == null ? 0 : n) + (upper == null ? 0 : n);
    }

    /** Every key of the grid in (lower, upper], compared column by column, in key order. */
    private static List<List<Long>> expected(int columns, List<Object> lower, List<Object> upper) {
        List<List<Long>> out = new ArrayList<>();
        for (List<Long> k : grid(columns)) {
            if ((lower == null || compare(k, lower) > 0) && (upper == null || compare(k, upper) <= 0)) {
                out.add(k);
            }
        }
        return out;
    }

    private static int compare(List<Long> key, List<Object> bound) {
        for (int i = 0; i < key.size(); i++) {
            int c = Long.compare(key.get(i), (Long) bound.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static List<List<Long>> grid(int columns) {
        List<List<Long>> keys = new ArrayList<>();
        keys.add(new ArrayList<>());
        for (int c = 0; c < columns; c++) {
            List<List<Long>> next = new ArrayList<>();
            for (List<Long> k : keys) {
                for (long v = 0; v < VALUES; v++) {
                    List<Long> longer = new ArrayList<>(k);
                    longer.add(v);
                    next.add(longer);
                }
            }
            keys = next;
        }
        return keys;
    }

    private static List<List<Long>> select(int columns, Keyset.Predicate p) throws SQLException {
        String table = "keyset_grid" + columns;
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:keyset;DB_CLOSE_DELAY=-1")) {
            fill(c, table, columns);
            String cols = String.join(", ", List.of("k1", "k2", "k3").subList(0, columns));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + table + " WHERE " + p.sql()
                    + " ORDER BY " + cols)) {
                int i = 1;
                for (Object v : p.binds()) {
                    ps.setObject(i++, v);
                }
                List<List<Long>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<Long> k = new ArrayList<>();
                        for (int j = 1; j <= columns; j++) {
                            k.add(rs.getLong(j));
                        }
                        out.add(k);
                    }
                }
                return out;
            }
        }
    }

    private static void fill(Connection c, String table, int columns) throws SQLException {
        try (Statement st = c.createStatement()) {
            StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + table + " (");
            for (int j = 1; j <= columns; j++) {
                ddl.append("k").append(j).append(" BIGINT NOT NULL, ");
            }
            st.execute(ddl.append("PRIMARY KEY (")
                    .append(String.join(", ", List.of("k1", "k2", "k3").subList(0, columns))).append("))").toString());
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
        }
        for (List<Long> k : grid(columns)) {
            StringBuilder insert = new StringBuilder("INSERT INTO " + table + " VALUES (");
            for (int j = 0; j < columns; j++) {
                insert.append(j > 0 ? ", " : "").append(k.get(j));
            }
            try (Statement st = c.createStatement()) {
                st.execute(insert.append(')').toString());
            }
        }
    }
}
