package io.migobs.jdbc.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The throwaway PostgreSQL cluster of {@code .ci/pg-scratch.sh} (127.0.0.1:5434, database {@code test}, trust; override
 * the URL with {@code MIGOBS_PG_SCRATCH_URL}), which tests may restart and configure (autovacuum every second) without
 * touching the machine's main server. When it is unreachable and the script is there and the tests run as root, the
 * script is run to create it; otherwise the test is skipped with a message, or fails when {@code CI=true}.
 */
public final class PgScratchSupport {
    /** The script, relative to the module directory (the tests' working directory). */
    public static final Path SCRIPT = Path.of("..", ".ci", "pg-scratch.sh");
    private static volatile DataSource ready;

    private PgScratchSupport() {
    }

    /**
     * The scratch cluster, created if needed and possible.
     *
     * @return the DataSource
     */
    public static synchronized DataSource open() {
        if (ready != null) {
            return ready;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        String url = System.getenv("MIGOBS_PG_SCRATCH_URL");
        ds.setURL(url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5434/test" : url);
        ds.setUser(Databases.pgUser());
        ds.setConnectTimeout(5);
        String why = probe(ds);
        if (why != null && Files.exists(SCRIPT) && "root".equals(System.getProperty("user.name"))) {
            try {
                script();
                why = probe(ds);
            } catch (IOException | InterruptedException | AssertionError e) {
                why = e.toString();
            }
        }
        if (why != null) {
            Databases.unavailable("the throwaway PostgreSQL cluster is unavailable (" + why + "); run"
                    + " .ci/pg-scratch.sh as root or set MIGOBS_PG_SCRATCH_URL");
        }
        ready = ds;
        return ds;
    }

    private static String probe(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return c.isValid(2) ? null : "connection not valid";
        } catch (SQLException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /**
     * Runs {@code .ci/pg-scratch.sh [args]} and waits for it (it returns once the cluster accepts connections);
     * {@code restart} restarts the cluster.
     *
     * @param args the script's arguments
     * @throws IOException if it cannot be started
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError if it fails
     */
    public static void script(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(".ci/pg-scratch.sh " + String.join(" ", args) + " failed: " + out);
        }
    }
}
