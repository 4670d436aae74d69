package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** One test per validation rule of the builders, each naming the field and value. */
class BuilderValidationTest {
    private final DataSource ds = new JdbcDataSource();

    private JdbcBackfill.Builder items() {
        return JdbcBackfill.builder(ds, "items");
    }

    @Test
    void backfillNeedsADataSourceAndKeyColumns() {
        assertThatThrownBy(() -> JdbcBackfill.builder(null, "items")).isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource cannot be null");
        assertThatThrownBy(() -> items().statement("UPDATE items SET n = 1 WHERE {range}").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("keyColumns must be set for the backfill of table 'items'");
        assertThatThrownBy(() -> items().keyColumns()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyColumns needs at least one column");
        assertThatThrownBy(() -> items().keyColumns("id", "ID")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key column 'ID' is given twice");
    }

    @Test
    void backfillNeedsExactlyOneOfStatementAndOperation() {
        assertThatThrownBy(() -> items().keyColumns("id").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exactly one of statement and operation");
        assertThatThrownBy(() -> items().keyColumns("id").statement("UPDATE items SET n = 1 WHERE {range}")
                .operation((c, r) -> 0).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exactly one of statement and operation");
    }

    @Test
    void statementNeedsTheRangeTokenOrTwoPlaceholders() {
        assertThatThrownBy(() -> items().statement("UPDATE items SET n = 1")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("must contain {range} or exactly two '?'")
                .hasMessageContaining("UPDATE items SET n = 1");
        assertThatThrownBy(() -> items().statement("UPDATE items SET n = ? WHERE id > ? AND id <= ?"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> items().statement("UPDATE items SET n = ? WHERE {range}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not mix");
        assertThatThrownBy(() -> items().keyColumns("a", "b").statement("UPDATE items SET n = 1 WHERE a > ? AND a <= ?")
                .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a single key column");
    }

    @Test
    void rangeBoundsMustMatchTheKeyColumns() {
        assertThatThrownBy(() -> items().keyColumns("a", "b").range(5L, null).statement("x {range}").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range lower bound 5 must be a list of 2 values, one per key column");
        assertThatThrownBy(() -> items().keyColumns("a").range(null, List.of(1L, 2L)).statement("x {range}").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("range upper bound");
    }

    @Test
    void otherBackfillSettings() {
        assertThatThrownBy(() -> items().statementTimeout(Duration.ZERO)).isInstanceOf(
                IllegalArgumentException.class).hasMessage("statementTimeout must be positive but was PT0S");
        assertThatThrownBy(() -> items().retry(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("retry policy cannot be null");
        assertThatThrownBy(() -> items().timeSource(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> items().beforeEachBatch(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> items().operation(null)).isInstanceOf(NullPointerException.class);
    }

    private JdbcChecksum.Builder orders() {
        return JdbcChecksum.builder(ds, "orders");
    }

    @Test
    void checksumRules() {
        assertThatThrownBy(() -> orders().columns("a").build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("keyColumns must be set for the checksum of table 'orders'");
        assertThatThrownBy(() -> orders().keyColumns("id").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("compares nothing");
        assertThatThrownBy(() -> orders().keyColumns("id").columns("a").sourceExpressions("lower(a)").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("set either columns or sourceExpressions, not both");
        assertThatThrownBy(() -> orders().keyColumns("id").targetColumns("a").targetExpressions("a").columns("a")
                .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("targetColumns or");
        assertThatThrownBy(() -> orders().keyColumns("id").targetKeyColumns("a", "b").columns("a").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("target has 2 key columns but source has 1");
        assertThatThrownBy(() -> orders().keyColumns("id").columns("a", "b").targetColumns("a").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("source compares 2 values but target compares 1");
        assertThatThrownBy(() -> orders().randomEarlierRange(0, new Random())).isInstanceOf(
                IllegalArgumentException.class).hasMessage("randomEarlierRange rows must be positive but was 0");
        assertThatThrownBy(() -> orders().maxBisections(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBisections cannot be negative but was -1");
        assertThatThrownBy(() -> orders().sourceExpressions(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> orders().columns()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("columns need at least one name");
    }
}
