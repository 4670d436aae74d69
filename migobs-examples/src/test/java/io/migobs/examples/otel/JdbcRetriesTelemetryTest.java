package io.migobs.examples.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.TimeSource;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.otel.MigrationTelemetry;
import io.migobs.testing.ManualTimeSource;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A real migobs-jdbc retry (a lock timeout on H2, the blocking transaction released during the backoff) reaches
 * OpenTelemetry as {@code migobs.jdbc.retries}, by kind, though migobs-jdbc counts it in Micrometer only.
 */
class JdbcRetriesTelemetryTest {

    @Test
    void aLockTimeoutRetriedByTheBackfillIsExportedAsAnOtelCounter() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:otel_retries;DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS items");
            s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, n INT NOT NULL)");
            s.execute("INSERT INTO items SELECT x, 0 FROM SYSTEM_RANGE(1, 300)");
        }
        Connection blocker = ds.getConnection();
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
            s.executeUpdate("UPDATE items SET n = 100 WHERE id = 150");
        }
        ManualTimeSource clock = new ManualTimeSource();
        TimeSource time = new TimeSource() { // releases the blocker during the first backoff
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public long wallTimeMillis() {
                return clock.wallTimeMillis();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                try {
                    if (!blocker.isClosed()) {
                        blocker.rollback();
                        blocker.close();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                clock.sleepNanos(nanos);
            }
        };
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
            MigrationTelemetry telemetry = MigrationTelemetry.create(sdk);
            RunReport report = JdbcBackfill.builder(ds, "items").keyColumns("id").checkpointTable("otel_cp")
                    .beforeEachBatch("SET LOCK_TIMEOUT 150").statement("UPDATE items SET n = n + 1 WHERE {range}")
                    .build().run(MigrationPlan.builder("otel-retries").batchSize(100, 100, 100).build(),
                            b -> b.timeSource(time).listener(telemetry.listener()));
            assertThat(report.state()).isEqualTo(RunState.COMPLETED);

            MetricData retries = reader.collectAllMetrics().stream()
                    .filter(m -> m.getName().equals("migobs.jdbc.retries")).findFirst()
                    .orElseThrow(() -> new AssertionError("no migobs.jdbc.retries metric"));
            List<LongPointData> points = List.copyOf(retries.getLongSumData().getPoints());
            assertThat(points).hasSize(1);
            assertThat(points.get(0).getAttributes()).isEqualTo(Attributes.builder().put("migration", "otel-retries")
                    .put("kind", "lock_timeout").build());
            assertThat(points.get(0).getValue()).isEqualTo(1);
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(n), MAX(n) FROM items")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3))).as("every row once, none twice")
                    .containsExactly(300L, 1L, 1L);
        }
    }
}
