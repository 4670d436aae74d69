package io.migobs.jdbc.internal;

import io.migobs.TimeSource;
import io.migobs.jdbc.BatchOperation;
import io.migobs.jdbc.RetryPolicy;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/** A validated backfill configuration, built by {@code JdbcBackfill.Builder}. Not API. */
public record BackfillSpec(DataSource dataSource, String table, List<String> keyColumns, Object after, Object upTo,
        String statement, BatchOperation operation, String checkpointTable, boolean checkpointing,
        boolean rerunCompleted, RetryPolicy retry, TimeSource timeSource, Duration statementTimeout,
        List<String> beforeEachBatch) {
}
