package io.migobs.jdbc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class DatabasesTest {
    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void opensEveryKindAndRunsAQuery(Databases.Kind kind) {
        DataSource ds = Databases.open(kind, "databases_test");
        Databases.execute(ds, "DROP TABLE IF EXISTS dbt_probe", "CREATE TABLE dbt_probe (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO dbt_probe VALUES (1, 'a'), (2, NULL)");
        assertThat(Databases.queryLong(ds, "SELECT COUNT(*) FROM dbt_probe")).isEqualTo(2);
        assertThat(Databases.rows(ds, "SELECT id, v FROM dbt_probe ORDER BY id"))
                .containsExactly(java.util.Arrays.asList("1", "a"), java.util.Arrays.asList("2", null));
        Databases.execute(ds, "DROP TABLE dbt_probe");
    }

    @Test
    void rejectsBadH2Names() {
        assertThatThrownBy(() -> Databases.h2Mem("a;b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a;b'");
    }
}
