package io.migobs.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.migobs.examples.Main;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's contract: exit codes, the documents, the metrics endpoint, and resume after an interruption. */
class DemoTest {
    private static final String[] DOCUMENTS = {".md", "-dashboard.md", "-dashboard.json", "-alerts.md",
        "-alerts.rules.yml", "-closeout.md", "-summary.md"};

    @TempDir
    Path dir;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    private int demo(String... flags) {
        List<String> args = new ArrayList<>(List.of("demo", "--out", dir.toString(), "--plain"));
        args.addAll(List.of(flags));
        return Main.run(args.toArray(String[]::new), out, out);
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void spikeScenarioCompletesWritesEveryDocumentAndServesMetrics() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AtomicReference<String> scraped = new AtomicReference<>();
        int p = port;
        Thread scraper = new Thread(() -> {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 400 && scraped.get() == null; i++) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + p + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("migobs_rows_total")
                            && r.body().contains("migobs_gate_state")) {
                        scraped.set(r.body());
                    }
                } catch (IOException e) {
                    // not up yet
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        scraper.start();

        int code = demo("--rows", "6000", "--rate", "1500", "--metrics-port", String.valueOf(port));
        scraper.join(30_000);

        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("SIMULATED", "phase     canary -> ramp", "phase     ramp -> full",
                "verification (full table): 6,000 rows", "OK: no row lost, none applied twice", "# Summary",
                "exit code 0");
        for (String suffix : DOCUMENTS) {
            Path f = dir.resolve(Demo.MIGRATION + suffix);
            assertThat(f).exists();
            assertThat(Files.size(f)).isPositive();
        }
        assertThat(Files.readString(dir.resolve("migobs-demo.log"))).contains("promote migration=" + Demo.MIGRATION,
                "evidence=", "invariant migration=" + Demo.MIGRATION);
        assertThat(scraped.get()).as("Prometheus scrape while running").contains("migobs_rows_total",
                "migobs_gate_state");
        // without OTEL_EXPORTER_OTLP_ENDPOINT the demo's OpenTelemetry spans go to the logging exporter's file
        assertThat(output()).contains("telemetry  : OpenTelemetry traces and metrics -> logging exporter");
        assertThat(Files.readString(dir.resolve("migobs-demo-otel.log"))).contains("migrate " + Demo.MIGRATION,
                "phase canary", "batch canary");
    }

    @Test
    void redScenarioAbortsWithExitCode2AndTheNextRunResumesToCompletion() {
        int code = demo("--rows", "4000", "--rate", "1000", "--scenario", "red");

        assertThat(code).as(output()).isEqualTo(2);
        assertThat(output()).contains("gate      replica.lag", "RED", "ABORTED after", "exit code 2");
        assertThat(dir.resolve(Demo.MIGRATION + "-closeout.md")).exists();

        buffer.reset();
        code = demo("--rows", "4000", "--rate", "0", "--scenario", "none");

        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("resuming   : from the checkpoint", "resumed    :",
                "OK: no row lost, none applied twice");
    }

    @Test
    void aKilledDemoResumesFromTheCheckpointAndVerifiesEveryRow() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo",
                "--out", dir.toString(), "--plain", "--rows", "20000", "--rate", "2500", "--scenario", "none");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean reachedFull = false;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String line;
            while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("phase     ramp -> full")) {
                    reachedFull = true;
                    break;
                }
            }
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(reachedFull).as("the child reached the full phase before it was killed:\n" + seen).isTrue();

        int code = demo("--rows", "20000", "--rate", "0", "--scenario", "none");

        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("resuming   : from the checkpoint", "resumed    :",
                "verification (full table): 20,000 rows", "applied exactly once 20,000",
                "OK: no row lost, none applied twice");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String withCredentials(String url, String user, String password) {
        String sep = url.contains("?") ? "&" : "?";
        return url + sep + "user=" + user + (password.isEmpty() ? "" : "&password=" + password);
    }

    /** Skips with a visible message when PostgreSQL or its replica is down, except under CI=true (then fails). */
    private static void requireReachable(String url, String what) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url)) {
            c.isValid(5);
        } catch (java.sql.SQLException e) {
            String msg = what + " unreachable (" + e.getMessage() + "): --replica test skipped";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg.replace("skipped", "required when CI=true"), e);
            }
            System.err.println("[DemoTest] " + msg);
            org.junit.jupiter.api.Assumptions.abort(msg);
        }
    }

    @Test
    void replicaFlagGatesOnTheRealPostgresReplicaLag() {
        String user = env("MIGOBS_PG_USER", "postgres");
        String password = env("MIGOBS_PG_PASSWORD", "");
        String primary = withCredentials(env("MIGOBS_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"), user,
                password);
        String replica = withCredentials(env("MIGOBS_PG_REPLICA_URL", "jdbc:postgresql://127.0.0.1:5433/test"), user,
                password);
        requireReachable(primary, "PostgreSQL primary (MIGOBS_PG_URL)");
        requireReachable(replica, "PostgreSQL replica (MIGOBS_PG_REPLICA_URL)");
        // a schema of its own, so concurrent builds on the same database cannot share the demo's table
        String schema = "migobs_demo_" + ProcessHandle.current().pid() + "_" + (System.nanoTime() & 0xffffff);
        sql(primary, "CREATE SCHEMA " + schema);
        try {
            int code = demo("--rows", "3000", "--rate", "0", "--db", primary + "&currentSchema=" + schema,
                    "--replica", replica);

            assertThat(code).as(output()).isZero();
            assertThat(output()).contains("lag signal : REAL replay lag of the PostgreSQL replica",
                    "verification (full table): 3,000 rows", "OK: no row lost", "s (replica)")
                    .doesNotContain("password=", "currentSchema");
        } finally {
            sql(primary, "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void sql(String url, String statement) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement st = c.createStatement()) {
            st.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(statement + " failed: " + e.getMessage(), e);
        }
    }

    @Test
    void badFlagsAreRejectedByName() {
        assertThat(demo("--rows", "10")).isEqualTo(1);
        assertThat(output()).contains("--rows must be within [1000");
        assertThat(demo("--scenario", "storm")).isEqualTo(1);
        assertThat(output()).contains("--scenario must be spike, red or none, got 'storm'");
        assertThat(demo("--replica", "jdbc:h2:mem:x")).isEqualTo(1);
        assertThat(output()).contains("--replica must be a PostgreSQL JDBC URL");
        assertThat(demo("--bogus")).isEqualTo(1);
        assertThat(output()).contains("unknown flag '--bogus'");
    }
}
