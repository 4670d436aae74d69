package io.migobs.bench.overhead;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.Signals;
import io.migobs.jdbc.JdbcBackfill;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * {@code overhead --db JDBC_URL --rows N [--batch B] [--rounds R] [--user U] [--password P] [--table T] [--unlogged]
 * [--skip-checkpoint]}: the end-to-end cost of instrumentation. The same keyset backfill
 * ({@code UPDATE t SET n = n + 1} over key ranges of a fixed batch size, one transaction per batch, keys selected
 * with {@code ORDER BY id LIMIT B}) runs as a bare JDBC loop and through {@code MigrationRun} + {@code migobs-jdbc}'s
 * {@link JdbcBackfill}, without and with the checkpoint, alternated over several rounds in one process, the order
 * rotated each round (the first round warms up and is not counted; on PostgreSQL the table is vacuumed before each
 * timed run, and {@code --unlogged} makes it an {@code UNLOGGED} table). Both variants borrow their connections from
 * one HikariCP pool. Prints the median wall time of each and the ratios of medians, the median ratio within a round
 * with its 95% confidence interval, and the same for the calling thread's CPU time, which other load on the machine
 * disturbs far less (on H2 in memory the database works on the calling thread too; on a server it measures the
 * client's side only, which is where the instrumentation runs), the client bound (the wall-time ratio without the
 * server's own variation, {@link #paired}), and the bytes the calling thread allocated per batch, which no other load
 * disturbs. {@code --skip-checkpoint} leaves out the checkpoint variant: half again as many rounds in the same time
 * for the claim about the run without it.
 */
public final class OverheadCommand {
    private static final String USAGE = "usage: overhead --db JDBC_URL --rows N [--batch 1000] [--rounds 11]"
            + " [--user U] [--password P] [--table migobs_overhead] [--unlogged] [--skip-checkpoint]";

    /** Connections in the pool: the run holds one for its batches and may borrow one more at its start and end. */
    private static final int POOL_SIZE = 4;

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();
    /** HotSpot's extension: the bytes a thread allocated, which no other load on the machine disturbs. */
    private static final com.sun.management.ThreadMXBean ALLOC = (com.sun.management.ThreadMXBean) CPU;

    /** HotSpot's extension: the CPU time of the whole process (the JIT compiler's and the collector's threads). */
    private static final com.sun.management.OperatingSystemMXBean PROCESS = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * Per timed run: wall seconds, the calling thread's CPU seconds, the bytes it allocated, the process's CPU
     * seconds.
     */
    private static final int WALL = 0;
    private static final int THREAD_CPU = 1;
    private static final int ALLOCATED = 2;
    private static final int PROCESS_CPU = 3;

    private OverheadCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args arguments after {@code overhead}
     * @param out where the figures go
     * @return exit code: 0, 2 on a usage error
     * @throws SQLException if the database fails
     */
    public static int run(String[] args, PrintStream out) throws SQLException {
        String url = null;
        long rows = 0;
        int batch = 1000;
        int rounds = 11;
        String user = null;
        String password = null;
        String table = "migobs_overhead";
        boolean unlogged = false;
        boolean skipCheckpoint = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--unlogged")) {
                unlogged = true;
                continue;
            }
            if (args[i].equals("--skip-checkpoint")) {
                skipCheckpoint = true;
                continue;
            }
            if (i + 1 >= args.length) {
                System.err.println("missing value after " + args[i] + "\n" + USAGE);
                return 2;
            }
            String v = args[++i];
            try {
                switch (args[i - 1]) {
                    case "--db" -> url = v;
                    case "--rows" -> rows = Long.parseLong(v);
                    case "--batch" -> batch = Integer.parseInt(v);
                    case "--rounds" -> rounds = Integer.parseInt(v);
                    case "--user" -> user = v;
                    case "--password" -> password = v;
                    case "--table" -> table = v;
                    default -> {
                        System.err.println("unknown option " + args[i - 1] + "\n" + USAGE);
                        return 2;
                    }
                }
            } catch (NumberFormatException e) {
                System.err.println(args[i - 1] + ": '" + v + "' is not a number\n" + USAGE);
                return 2;
            }
        }
        if (url == null || rows <= 0 || batch <= 0 || rounds < 2) {
            System.err.println("--db and --rows (positive) are required; --batch positive; --rounds at least 2\n"
                    + USAGE);
            return 2;
        }
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            System.err.println("--table '" + table + "' must be a plain identifier");
            return 2;
        }
        String db = describe(url);
        if (unlogged && !db.startsWith("postgresql")) {
            System.err.println("--unlogged is for PostgreSQL only, not " + db);
            return 2;
        }
        out.printf(Locale.ROOT, "overhead: db=%s rows=%d batch=%d rounds=%d%s%s (first round is warm-up)%n", db,
                rows, batch, rounds, unlogged ? " table=unlogged" : "", skipCheckpoint ? " checkpoint=skipped" : "");
        try (HikariDataSource ds = pool(url, user, password)) {
            return measure(ds, db, table, unlogged, !skipCheckpoint, rows, batch, rounds, out);
        }
    }

    /**
     * A HikariCP pool, as a production backfill gets its connections: both variants borrow from it, so neither pays
     * for opening one (a PostgreSQL connection forks a server process: milliseconds, and the instrumented run asks
     * for a few — dialect, schema, checkpoint — which a pool hands out at once).
     */
    private static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setPoolName("migobs-overhead");
        return new HikariDataSource(config);
    }

    private static int measure(DataSource ds, String db, String table, boolean unlogged, boolean checkpoint, long rows,
            int batch, int rounds, PrintStream out) throws SQLException {
        setUp(ds, table, unlogged, rows);
        String[] names = checkpoint ? new String[] {"bare", "migobs", "migobs+checkpoint"}
                : new String[] {"bare", "migobs"};
        List<List<double[]>> timed = new ArrayList<>();
        for (int v = 0; v < names.length; v++) {
            timed.add(new ArrayList<>());
        }
        boolean vacuum = db.startsWith("postgresql");
        for (int r = 0; r < rounds; r++) {
            double[][] run = new double[names.length][];
            // rotate the order each round so that drift (caches, bloat, other load) does not favour one variant
            for (int k = 0; k < names.length; k++) {
                int which = (k + r) % names.length;
                settle(ds, table, vacuum);
                run[which] = which == 0 ? bareLoop(ds, table, batch, rows)
                        : migobs(ds, table, batch, rows, which == 2, r);
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d%s:", r,
                    r == 0 ? " (warm-up)" : ""));
            for (int v = 0; v < names.length; v++) {
                line.append(String.format(Locale.ROOT, " %s=%.3f s (cpu %.3f)", names[v], run[v][WALL],
                        run[v][THREAD_CPU]));
                if (r > 0) {
                    timed.get(v).add(run[v]);
                }
            }
            out.println(line);
        }
        List<double[]> bare = timed.get(0);
        double mb = median(bare, WALL);
        double cb = median(bare, THREAD_CPU);
        double ab = median(bare, ALLOCATED);
        double pb = median(bare, PROCESS_CPU);
        long batches = (rows + batch - 1) / batch;
        out.printf(Locale.ROOT, "OVERHEAD db=%s variant=bare median_s=%.3f rows_per_s=%.0f cpu_median_s=%.3f"
                + " alloc_per_batch_bytes=%.0f%n", db, mb, rows / mb, cb, ab / batches);
        for (int v = 1; v < names.length; v++) {
            List<double[]> variant = timed.get(v);
            double m = median(variant, WALL);
            double c = median(variant, THREAD_CPU);
            // the calling thread's extra CPU per batch: on a server, the client's side of the instrumentation, which
            // runs in series with the statements (the same ones), so its share of a batch bounds the wall-time
            // overhead; the extra bytes allocated per batch, which no other load disturbs, are the steadiest measure
            // of the work the instrumentation adds
            out.printf(Locale.ROOT, "OVERHEAD db=%s variant=%s median_s=%.3f rows_per_s=%.0f ratio=%.4f"
                    + " cpu_median_s=%.3f cpu_ratio=%.4f cpu_extra_us_per_batch=%.1f"
                    + " process_cpu_extra_us_per_batch=%.1f alloc_extra_bytes_per_batch=%.0f %s%n", db, names[v], m,
                    rows / m, m / mb, c, c / cb, (c - cb) / batches * 1e6,
                    (median(variant, PROCESS_CPU) - pb) / batches * 1e6, (median(variant, ALLOCATED) - ab) / batches,
                    paired(bare, variant));
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + table);
            st.execute("DROP TABLE IF EXISTS migobs_checkpoint");
        }
        return 0;
    }

    /** The database kind and host, never the full URL (it may carry credentials). */
    static String describe(String url) {
        String[] p = url.split(":", 3);
        String kind = p.length > 1 ? p[1] : "unknown";
        String host = "";
        int i = url.indexOf("//");
        if (i >= 0) {
            int end = url.indexOf('/', i + 2);
            host = "@" + url.substring(i + 2, end < 0 ? url.length() : end).replaceAll(".*@", "");
        } else if (p.length > 2) {
            host = "@" + p[2].split("[;:?]", 2)[0];
        }
        return kind + host;
    }

    /** Between timed runs: PostgreSQL's {@code UPDATE} leaves dead row versions; vacuum them so runs start alike. */
    private static void settle(DataSource ds, String table, boolean vacuum) throws SQLException {
        if (!vacuum) {
            return;
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("VACUUM " + table);
        }
    }

    /**
     * Creates and fills the table; {@code unlogged} makes it a PostgreSQL {@code UNLOGGED} table: the server then
     * writes no WAL for it, work both variants pay alike whose disk flushes and checkpoints vary a run by ±10–30% on
     * a small machine, and hide a 2% difference. The statements are the same; the ratio only gets stricter (the
     * bare run is faster).
     */
    private static void setUp(DataSource ds, String table, boolean unlogged, long rows) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
                st.execute("CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE " + table
                        + " (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, n) VALUES (?, 0)")) {
                for (long id = 1; id <= rows; id++) {
                    ps.setLong(1, id);
                    ps.addBatch();
                    if (id % 5000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** The hand-written loop: the same statements per batch as the driver, without the run. */
    private static double[] bareLoop(DataSource ds, String table, int batch, long rows) throws SQLException {
        long alloc0 = ALLOC.getCurrentThreadAllocatedBytes();
        long process0 = PROCESS.getProcessCpuTime();
        long t0 = System.nanoTime();
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long done = 0;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long cursor = 0;
            while (true) {
                long last = -1;
                long n = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table
                        + " WHERE id > ? ORDER BY id LIMIT " + batch)) {
                    ps.setLong(1, cursor);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            last = rs.getLong(1);
                            n++;
                        }
                    }
                }
                if (n == 0) {
                    c.commit();
                    break;
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                        + " SET n = n + 1 WHERE id > ? AND id <= ?")) {
                    ps.setLong(1, cursor);
                    ps.setLong(2, last);
                    ps.executeUpdate();
                }
                c.commit();
                done += n;
                cursor = last;
                if (n < batch) {
                    break;
                }
            }
        }
        if (done != rows) {
            throw new IllegalStateException("bare loop did " + done + " rows, expected " + rows);
        }
        return measured(t0, cpu0, alloc0, process0);
    }

    /** What a run took since the readings given, indexed {@link #WALL}, {@link #THREAD_CPU} and so on. */
    private static double[] measured(long t0, long cpu0, long alloc0, long process0) {
        long wall = System.nanoTime() - t0;
        long cpu = CPU.getCurrentThreadCpuTime() - cpu0;
        long process = PROCESS.getProcessCpuTime() - process0;
        return new double[] {wall / 1e9, cpu / 1e9, ALLOC.getCurrentThreadAllocatedBytes() - alloc0, process / 1e9};
    }

    private static double[] migobs(DataSource ds, String table, int batch, long rows, boolean checkpoint, int round) {
        JdbcBackfill.Builder b = JdbcBackfill.builder(ds, table).keyColumns("id")
                .statement("UPDATE " + table + " SET n = n + 1 WHERE id > ? AND id <= ?");
        if (!checkpoint) {
            b.withoutCheckpoint();
        }
        JdbcBackfill backfill = b.build();
        MigrationPlan plan = MigrationPlan.builder("overhead-" + (checkpoint ? "ckpt-" : "plain-") + round)
                .totalRows(rows)
                .batchSize(batch, batch, batch)
                .gate(Gate.builder("batch.errors", Signals.batchErrorRate()).yellowAbove(0.05).redAbove(0.2)
                        .build())
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long alloc0 = ALLOC.getCurrentThreadAllocatedBytes();
        long process0 = PROCESS.getProcessCpuTime();
        long t0 = System.nanoTime();
        long cpu0 = CPU.getCurrentThreadCpuTime();
        RunReport report = backfill.run(plan, run -> run.meterRegistry(registry));
        double[] s = measured(t0, cpu0, alloc0, process0);
        if (report.state() != RunState.COMPLETED || report.rowsProcessed() != rows) {
            throw new IllegalStateException("instrumented run ended " + report.state() + " after "
                    + report.rowsProcessed() + " rows: " + report.reason());
        }
        return s;
    }

    private static double median(List<double[]> xs, int column) {
        return median(xs.stream().mapToDouble(x -> x[column]).toArray());
    }

    private static double median(double[] xs) {
        double[] a = xs.clone();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    /**
     * The ratio within each round (a variant's run over the bare run of the same round, which shares its drift —
     * caches, bloat, the server's background work), as its median and that median's 95% confidence interval, for wall
     * time and for the calling thread's CPU time: a claim such as "at most 2% slower" holds at 95% when the
     * interval's upper end is at most 1.02. Rounds vary ±10–30% on a shared 2-core machine; the ratio of medians alone
     * cannot tell 2% from noise.
     *
     * <p>Then {@code client_bound}: per round, the bare run's wall time plus the process CPU time the variant spent
     * beyond the bare run's (the calling thread, the collector, the JIT compiler), over the bare run's wall time.
     * Both variants send the server the same statements, one at a time, so what the instrumentation adds to a batch
     * is client work in series with them: this is the wall-time ratio with the server's variation taken out — the
     * ratio on a database server of its own, where the client's CPU is all the difference. It is for a database
     * server: with H2 in memory the database works inside the process, and its CPU's variation is in the bound.
     */
    static String paired(List<double[]> bare, List<double[]> variant) {
        int n = bare.size();
        double[] wall = new double[n];
        double[] cpu = new double[n];
        double[] bound = new double[n];
        for (int i = 0; i < n; i++) {
            double[] b = bare.get(i);
            double[] v = variant.get(i);
            wall[i] = v[WALL] / b[WALL];
            cpu[i] = v[THREAD_CPU] / b[THREAD_CPU];
            bound[i] = (b[WALL] + v[PROCESS_CPU] - b[PROCESS_CPU]) / b[WALL];
        }
        return interval("paired", wall) + " " + interval("cpu_paired", cpu) + " " + interval("client_bound", bound);
    }

    /** {@code NAME_ratio=median NAME_ci95=low..high}, or {@code n/a} for the interval under six values. */
    private static String interval(String name, double[] ratios) {
        double[] r = ratios.clone();
        Arrays.sort(r);
        int k = medianConfidenceRank(r.length);
        return String.format(Locale.ROOT, "%s_ratio=%.4f %s_ci95=%s", name, median(r), name,
                k == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f..%.4f", r[k - 1], r[r.length - k]));
    }

    /**
     * The distribution-free 95% confidence interval of a median from {@code n} sorted samples is
     * {@code [x(k), x(n − k + 1)]} (1-based ranks) for the largest {@code k} with
     * {@code P(Binomial(n, ½) ≤ k − 1) ≤ 0.025}; 0 when {@code n} is too small for any (fewer than 6).
     *
     * @param n the number of samples, at least 0
     * @return the rank {@code k}, or 0
     */
    static int medianConfidenceRank(int n) {
        double logHalfN = -n * Math.log(2);
        double cumulative = 0;
        double logPmf = logHalfN; // P(X = 0)
        int k = 0;
        for (int i = 0; i < n; i++) {
            cumulative += Math.exp(logPmf);
            if (cumulative > 0.025) {
                break;
            }
            k = i + 1; // P(X <= i) <= 0.025: rank i + 1 may bound the interval
            logPmf += Math.log((double) (n - i) / (i + 1));
        }
        return k;
    }
}
