package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureKindTest {
    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource({
        "40P01, 0, DEADLOCK", // PostgreSQL deadlock_detected
        "40001, 0, SERIALIZATION", // PostgreSQL serialization_failure
        "40001, 1213, DEADLOCK", // MariaDB/MySQL ER_LOCK_DEADLOCK
        "40001, 40001, DEADLOCK", // H2 DEADLOCK_1
        "40002, 0, SERIALIZATION", // other transaction rollback
        "55P03, 0, LOCK_TIMEOUT", // PostgreSQL lock_not_available
        "HY000, 1205, LOCK_TIMEOUT", // MariaDB ER_LOCK_WAIT_TIMEOUT
        "HYT00, 50200, LOCK_TIMEOUT", // H2 LOCK_TIMEOUT_1
        "08006, 0, CONNECTION", "08003, 0, CONNECTION", "57P01, 0, CONNECTION", "57P03, 0, CONNECTION",
        "70100, 1927, CONNECTION", "HY000, 2013, CONNECTION", "90121, 90121, CONNECTION",
        "57014, 0, STATEMENT_TIMEOUT", "70100, 1317, STATEMENT_TIMEOUT", "HY000, 1969, STATEMENT_TIMEOUT",
        "HY000, 3024, STATEMENT_TIMEOUT",
        "23505, 0, PERMANENT", "42P01, 0, PERMANENT", "42S02, 1146, PERMANENT", "42S02, 42102, PERMANENT",
        "22003, 0, PERMANENT"})
    void classifiesBySqlStateAndVendorCode(String state, int code, FailureKind expected) {
        assertThat(FailureKind.classify(new SQLException("x", state, code))).isEqualTo(expected);
        assertThat(expected.isTransient()).isEqualTo(expected != FailureKind.PERMANENT);
    }

    @Test
    void searchesCausesAndNextExceptions() {
        SQLException outer = new SQLException("batch failed", "HY000", 0);
        outer.setNextException(new SQLException("deadlock", "40P01", 0));
        assertThat(FailureKind.classify(outer)).isEqualTo(FailureKind.DEADLOCK);
        assertThat(FailureKind.classify(new RuntimeException(new SQLException("t", "55P03", 0))))
                .isEqualTo(FailureKind.LOCK_TIMEOUT);
    }

    @Test
    void fallsBackToTheJdbcExceptionTypes() {
        assertThat(FailureKind.classify(new SQLNonTransientConnectionException("gone"))).isEqualTo(
                FailureKind.CONNECTION);
        assertThat(FailureKind.classify(new SQLTimeoutException("slow"))).isEqualTo(FailureKind.STATEMENT_TIMEOUT);
        assertThat(FailureKind.classify(new SQLTransientException("again"))).isEqualTo(FailureKind.OTHER_TRANSIENT);
        assertThat(FailureKind.classify(new IllegalStateException("bug"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.classify(null)).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void aCyclicCauseChainTerminates() {
        SQLException a = new SQLException("a", "23505", 0);
        SQLException b = new SQLException("b", "23505", 0, a);
        a.setNextException(b);
        assertThat(FailureKind.classify(a)).isEqualTo(FailureKind.PERMANENT);
    }
}
