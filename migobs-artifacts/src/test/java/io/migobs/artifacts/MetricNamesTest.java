package io.migobs.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.testing.ManualTimeSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import io.migobs.artifacts.internal.Dashboard;
import io.migobs.artifacts.internal.Prom;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules query the exact names the core exports: a real run scraped through Micrometer's
 * Prometheus registry must expose every metric name they use.
 */
class MetricNamesTest {
    private static final Pattern METRIC = Pattern.compile("\\b(migobs_[a-z0-9_]+)\\b");
    private static Set<String> scraped;
    private static MigrationPlan plan;

    @BeforeAll
    static void scrape() {
        Fixtures.Script script = Fixtures.Script.lagSpike();
        plan = Fixtures.plan(script);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Fixtures.run(plan, script, registry);
        jdbcRetry(registry);
        scraped = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                scraped.add(line.substring(0, line.indexOf('{') > 0 ? line.indexOf('{') : line.indexOf(' ')));
            }
        }
    }

    /** A migobs-jdbc backfill on H2 whose first batch fails once with a serialization failure, and is retried. */
    private static void jdbcRetry(PrometheusMeterRegistry registry) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:metric_names;DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY)");
            s.execute("INSERT INTO items SELECT x FROM SYSTEM_RANGE(1, 10)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        AtomicInteger calls = new AtomicInteger();
        RunReport r = JdbcBackfill.builder(ds, "items").keyColumns("id").withoutCheckpoint()
                .operation((conn, range) -> {
                    if (calls.getAndIncrement() == 0) {
                        throw new SQLTransientException("could not serialize access", "40001");
                    }
                    return range.rows();
                }).build()
                .run(MigrationPlan.builder("jdbc-names").batchSize(10, 10, 10).build(),
                        b -> b.timeSource(new ManualTimeSource()).meterRegistry(registry));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(calls).hasValue(2);
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyNameTheRendererKnowsIsExported() {
        assertThat(scraped).containsAll(Prom.ALL).contains(Prom.JDBC_RETRIES);
    }

    @Test
    void everyMetricInTheDashboardIsExported() {
        Set<String> used = metricsIn(String.join("\n", new Dashboard(plan, java.util.Map.of()).queries()));
        assertThat(used).isNotEmpty().isSubsetOf(scraped);
        assertThat(metricsIn(MigrationArtifacts.of(plan).dashboardJson())).isSubsetOf(scraped);
    }

    @Test
    void everyMetricInTheAlertRulesIsExported() {
        Set<String> used = metricsIn(MigrationArtifacts.of(plan).alertRules());
        assertThat(used).contains(Prom.GATE_VALUE, Prom.ROWS, Prom.RUN_STATE, Prom.ETA).isSubsetOf(scraped);
    }

    @Test
    void theCheckRejectsAnInventedName() {
        assertThat(scraped).doesNotContain("migobs_rows_processed_total", "migobs_progress");
    }
}
