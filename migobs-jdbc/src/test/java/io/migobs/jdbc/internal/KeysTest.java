package io.migobs.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KeysTest {
    @Property
    void anyTextOrIntegerCursorSurvivesTheCheckpointEncoding(@ForAll String text, @ForAll long number) {
        Object single = text;
        assertThat(Keys.decode(Keys.encode(single))).isEqualTo(single);
        Object composite = List.of(text, number, text + ",%+");
        assertThat(Keys.decode(Keys.encode(composite))).isEqualTo(composite);
    }

    @Test
    void encodesEveryKeyType() {
        UUID u = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        List<Object> all = List.of(42L, new BigDecimal("-1.50"), "a,b%c", u, LocalDate.of(2026, 1, 2),
                LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000));
        String text = Keys.encode(all);
        assertThat(text).isEqualTo("L:42,D:-1.50,S:a%2Cb%25c,U:" + u + ",d:2026-01-02,t:2026-01-02T03:04:05.000006");
        assertThat(Keys.decode(text)).isEqualTo(all);
        assertThat(Keys.encode(7)).isEqualTo("L:7");
        assertThat(Keys.encode(null)).isNull();
        assertThat(Keys.decode(null)).isNull();
    }

    @Test
    void rejectsMalformedTextAndUnsupportedTypes() {
        assertThatThrownBy(() -> Keys.decode("42")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint cursor '42' is malformed");
        assertThatThrownBy(() -> Keys.decode("Q:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown type 'Q'");
        assertThatThrownBy(() -> Keys.normalize(new Object(), "id")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key column 'id' has type java.lang.Object");
        assertThatThrownBy(() -> Keys.normalize(null, "id")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key column 'id' holds NULL");
        assertThatThrownBy(() -> Keys.components(5L, 2, "cursor")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cursor 5 must be a list of 2 values, one per key column");
        assertThatThrownBy(() -> Keys.components(List.of(1L), 1, "cursor"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a list");
    }

    @Test
    void positionsForProgress() {
        assertThat(Keys.position(10L)).isEqualTo(10.0);
        assertThat(Keys.position(List.of(3L, "x"))).isEqualTo(3.0);
        assertThat(Keys.position("b")).isGreaterThan(Keys.position("az")).isLessThan(Keys.position("c"));
        assertThat(Keys.position(LocalDate.ofEpochDay(5))).isEqualTo(5.0);
        assertThat(Keys.position(Boolean.TRUE)).isNaN();
    }

    @Test
    void compositePredicateIsAnIndexFriendlyRowComparison() {
        Keyset k = new Keyset(List.of("\"A\"", "\"B\""));
        Keyset.Predicate p = k.range(List.of(1L, 2L), List.of(5L, 6L));
        assertThat(p.sql()).isEqualTo("(\"A\" >= ? AND ((\"A\" > ?) OR (\"A\" = ? AND \"B\" > ?)) AND \"A\" <= ? AND"
                + " ((\"A\" < ?) OR (\"A\" = ? AND \"B\" <= ?)))");
        assertThat(p.binds()).containsExactly(1L, 1L, 1L, 2L, 5L, 5L, 5L, 6L);
        assertThat(k.range(null, null).sql()).isEqualTo("(1=1)");
    }

    @Test
    void describesHostsWithoutUrlsOrPasswords() {
        assertThat(Sql.host("jdbc:postgresql://db.example:5432/app?password=x")).isEqualTo("db.example");
        assertThat(Sql.host("jdbc:mariadb://user:pw@10.0.0.1:3306/app")).isEqualTo("10.0.0.1");
        assertThat(Sql.host("jdbc:h2:mem:x")).isEqualTo("mem");
        assertThat(Sql.host("jdbc:h2:file:/secret/path/db")).isEqualTo("file");
        assertThat(Sql.host("jdbc:h2:tcp://h2host/~/db")).isEqualTo("h2host");
        assertThat(Sql.host(null)).isEqualTo("unknown");
    }
}
