package io.migobs.bench.overhead;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.RunState;
import io.migobs.Signals;
import io.migobs.jdbc.JdbcBackfill;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * {@code overhead --db JDBC_URL --rows N [--batch B] [--rounds R] [--user U] [--password P]}: the end-to-end cost of
 * instrumentation. The same keyset backfill ({@code UPDATE t SET n = n + 1} over key ranges of a fixed batch size,
 * one transaction per batch, keys selected with {@code ORDER BY id LIMIT B}) runs as a bare JDBC loop and through
 * {@code MigrationRun} + {@code migobs-jdbc}'s {@link JdbcBackfill}, without and with the checkpoint, alternated over
 * several rounds in one process, the order rotated each round (the first round warms up and is not counted;
 * on PostgreSQL the table is vacuumed before each timed run). Prints the median wall time of each and the ratios
 * of medians, and the same for the calling thread's CPU time, which other load on the machine disturbs far less
 * (on H2 in memory the database works on the calling thread too; on a server it measures the client's side only,
 * which is where the instrumentation runs).
 */
public final class OverheadCommand {
    private static final String USAGE = "usage: overhead --db JDBC_URL --rows N [--batch 1000] [--rounds 11]"
            + " [--user U] [--password P] [--table migobs_overhead]";

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

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
        for (int i = 0; i < args.length; i++) {
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
        DataSource ds = new UrlDataSource(url, user, password);
        String db = describe(url);
        out.printf(Locale.ROOT, "overhead: db=%s rows=%d batch=%d rounds=%d (first round is warm-up)%n", db, rows, batch,
                rounds);
        setUp(ds, table, rows);
        List<double[]> bare = new ArrayList<>();
        List<double[]> plain = new ArrayList<>();
        List<double[]> ckpt = new ArrayList<>();
        boolean vacuum = db.startsWith("postgresql");
        for (int r = 0; r < rounds; r++) {
            double[] a = null;
            double[] b = null;
            double[] c = null;
            // rotate the order each round so that drift (caches, bloat, other load) does not favour one variant
            for (int k = 0; k < 3; k++) {
                int which = (k + r) % 3;
                settle(ds, table, vacuum);
                if (which == 0) {
                    a = bareLoop(ds, table, batch, rows);
                } else if (which == 1) {
                    b = migobs(ds, table, batch, rows, false, r);
                } else {
                    c = migobs(ds, table, batch, rows, true, r);
                }
            }
            out.printf(Locale.ROOT, "round %d%s: bare=%.3f s (cpu %.3f) migobs=%.3f s (cpu %.3f)"
                    + " migobs+checkpoint=%.3f s (cpu %.3f)%n", r, r == 0 ? " (warm-up)" : "", a[0], a[1], b[0], b[1],
                    c[0], c[1]);
            if (r > 0) {
                bare.add(a);
                plain.add(b);
                ckpt.add(c);
            }
        }
        double mb = median(bare, 0);
        double mp = median(plain, 0);
        double mc = median(ckpt, 0);
        double cb = median(bare, 1);
        double cp = median(plain, 1);
        double cc = median(ckpt, 1);
        out.printf(Locale.ROOT, "OVERHEAD db=%s variant=bare median_s=%.3f rows_per_s=%.0f cpu_median_s=%.3f%n", db, mb,
                rows / mb, cb);
        out.printf(Locale.ROOT, "OVERHEAD db=%s variant=migobs median_s=%.3f rows_per_s=%.0f ratio=%.4f"
                + " cpu_median_s=%.3f cpu_ratio=%.4f%n", db, mp, rows / mp, mp / mb, cp, cp / cb);
        out.printf(Locale.ROOT, "OVERHEAD db=%s variant=migobs+checkpoint median_s=%.3f rows_per_s=%.0f ratio=%.4f"
                + " cpu_median_s=%.3f cpu_ratio=%.4f%n", db, mc, rows / mc, mc / mb, cc, cc / cb);
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

    /** Between timed runs: PostgreSQL's {@code UPDATE} leaves dead row versions; vacuum them so each run starts alike. */
    private static void settle(DataSource ds, String table, boolean vacuum) throws SQLException {
        if (!vacuum) {
            return;
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("VACUUM " + table);
        }
    }

    private static void setUp(DataSource ds, String table, long rows) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
                st.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
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
        return new double[] {(System.nanoTime() - t0) / 1e9, (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9};
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
        long t0 = System.nanoTime();
        long cpu0 = CPU.getCurrentThreadCpuTime();
        RunReport report = backfill.run(plan, run -> run.meterRegistry(registry));
        double[] s = {(System.nanoTime() - t0) / 1e9, (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9};
        if (report.state() != RunState.COMPLETED || report.rowsProcessed() != rows) {
            throw new IllegalStateException("instrumented run ended " + report.state() + " after "
                    + report.rowsProcessed() + " rows: " + report.reason());
        }
        return s;
    }

    private static double median(List<double[]> xs, int column) {
        double[] a = xs.stream().mapToDouble(x -> x[column]).toArray();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    /** A DataSource over {@link DriverManager}: a new connection per call, as a pool would hand out. */
    static final class UrlDataSource implements DataSource {
        private final String url;
        private final String user;
        private final String password;

        UrlDataSource(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return DriverManager.getConnection(url, u, p);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
