package io.migobs.examples.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A real migobs-jdbc retry (a batch whose first attempt fails with a serialization failure, rolled back and run
 * again) reaches OpenTelemetry as {@code migobs.jdbc.retries}, by kind, though migobs-jdbc counts it in Micrometer
 * only.
 */
class JdbcRetriesTelemetryTest {

    @Test
    void aRetriedSerializationFailureIsExportedAsAnOtelCounter() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:otel_retries;DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS items");
            s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, n INT NOT NULL)");
            s.execute("INSERT INTO items SELECT x, 0 FROM SYSTEM_RANGE(1, 300)");
        }
        AtomicInteger attempts = new AtomicInteger();
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
            MigrationTelemetry telemetry = MigrationTelemetry.create(sdk);
            RunReport report = JdbcBackfill.builder(ds, "items").keyColumns("id").checkpointTable("otel_cp")
                    .operation((c, range) -> {
                        try (PreparedStatement ps = c.prepareStatement("UPDATE items SET n = n + 1 WHERE "
                                + range.predicate())) {
                            range.bind(ps, 1);
                            int n = ps.executeUpdate();
                            if (attempts.getAndIncrement() == 1) { // the second batch's first attempt
                                throw new SQLTransientException("could not serialize access", "40001");
                            }
                            return n;
                        }
                    }).build()
                    .run(MigrationPlan.builder("otel-retries").batchSize(100, 100, 100).build(),
                            b -> b.timeSource(new ManualTimeSource()).listener(telemetry.listener()));
            assertThat(report.state()).isEqualTo(RunState.COMPLETED);

            MetricData retries = reader.collectAllMetrics().stream()
                    .filter(m -> m.getName().equals("migobs.jdbc.retries")).findFirst()
                    .orElseThrow(() -> new AssertionError("no migobs.jdbc.retries metric"));
            List<LongPointData> points = List.copyOf(retries.getLongSumData().getPoints());
            assertThat(points).hasSize(1);
            assertThat(points.get(0).getAttributes()).isEqualTo(Attributes.builder().put("migration", "otel-retries")
                    .put("kind", "serialization").build());
            assertThat(points.get(0).getValue()).isEqualTo(1);
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(n), MAX(n) FROM items")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                    .as("every row once, none twice: the failed attempt's update was rolled back")
                    .containsExactly(300L, 1L, 1L);
        }
    }
}
