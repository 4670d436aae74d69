package io.migobs.bench.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A load profile: piecewise-constant replica apply rate R, primary capacity C and production load share ρ over
 * simulated time. Each row takes effect at its {@code t_s} and holds until the next row; the last row holds forever.
 *
 * <p>CSV with the header {@code t_s,replica_apply_rows_s,primary_capacity_rows_s,prod_load}; blank lines and lines
 * starting with {@code #} are ignored. Rules: the first row starts at 0, times strictly increase, R &gt; 0, C &gt; 0,
 * 0 ≤ ρ ≤ 0.95, every value finite. A file that breaks a rule is rejected with its line number and the reason.
 *
 * <p>Immutable and thread-safe.
 */
public final class Profile {
    /** The required header. */
    public static final String HEADER = "t_s,replica_apply_rows_s,primary_capacity_rows_s,prod_load";
    /** The largest production load share a profile may declare. */
    public static final double MAX_PROD_LOAD = 0.95;

    private final String name;
    private final long[] startNanos;
    private final double[] replica;
    private final double[] capacity;
    private final double[] load;

    private Profile(String name, long[] startNanos, double[] replica, double[] capacity, double[] load) {
        this.name = name;
        this.startNanos = startNanos;
        this.replica = replica;
        this.capacity = capacity;
        this.load = load;
    }

    /**
     * Reads a profile file; its name is the file name without {@code .csv}.
     *
     * @param file the CSV file
     * @return the profile
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file, line and reason if a rule is broken
     */
    public static Profile load(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".csv") ? fileName.substring(0, fileName.length() - 4) : fileName;
        try {
            return parse(name, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a profile from its lines.
     *
     * @param name the profile's name
     * @param lines the CSV lines, header first
     * @return the profile
     * @throws IllegalArgumentException naming the line (1-based) and reason if a rule is broken
     */
    public static Profile parse(String name, List<String> lines) {
        List<long[]> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!header) {
                if (!line.replace(" ", "").equals(HEADER)) {
                    throw error(lineNo, "expected header '" + HEADER + "' but found '" + line + "'");
                }
                header = true;
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 4) {
                throw error(lineNo, "expected 4 fields but found " + f.length + " in '" + line + "'");
            }
            double t = number(f[0], "t_s", lineNo);
            double r = number(f[1], "replica_apply_rows_s", lineNo);
            double c = number(f[2], "primary_capacity_rows_s", lineNo);
            double rho = number(f[3], "prod_load", lineNo);
            if (t < 0) {
                throw error(lineNo, "t_s " + f[0].strip() + " must not be negative");
            }
            if (times.isEmpty() && t != 0) {
                throw error(lineNo, "the first row must start at t_s 0, not " + f[0].strip());
            }
            long nanos = Math.round(t * 1e9);
            if (!times.isEmpty() && nanos <= times.get(times.size() - 1)[0]) {
                throw error(lineNo, "t_s " + f[0].strip() + " must be after the previous row's t_s");
            }
            if (r <= 0) {
                throw error(lineNo, "replica_apply_rows_s " + f[1].strip() + " must be > 0");
            }
            if (c <= 0) {
                throw error(lineNo, "primary_capacity_rows_s " + f[2].strip() + " must be > 0");
            }
            if (rho < 0 || rho > MAX_PROD_LOAD) {
                throw error(lineNo, "prod_load " + f[3].strip() + " must be within [0, " + MAX_PROD_LOAD + "]");
            }
            times.add(new long[] {nanos});
            values.add(new double[] {r, c, rho});
        }
        if (!header) {
            throw new IllegalArgumentException("line 1: empty profile: expected header '" + HEADER + "'");
        }
        if (times.isEmpty()) {
            throw new IllegalArgumentException("line " + lines.size() + ": profile has a header but no rows");
        }
        int n = times.size();
        long[] s = new long[n];
        double[] rr = new double[n];
        double[] cc = new double[n];
        double[] ll = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = times.get(i)[0];
            rr[i] = values.get(i)[0];
            cc[i] = values.get(i)[1];
            ll[i] = values.get(i)[2];
        }
        return new Profile(name, s, rr, cc, ll);
    }

    /**
     * A profile whose values never change.
     *
     * @param name the name
     * @param replicaRowsPerSecond R
     * @param capacityRowsPerSecond C
     * @param prodLoad ρ
     * @return the profile
     */
    public static Profile constant(String name, double replicaRowsPerSecond, double capacityRowsPerSecond,
            double prodLoad) {
        return parse(name, List.of(HEADER, String.format(Locale.ROOT, "0,%s,%s,%s", replicaRowsPerSecond,
                capacityRowsPerSecond, prodLoad)));
    }

    private static double number(String field, String column, int lineNo) {
        String s = field.strip();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error(lineNo, column + " '" + s + "' is not a number");
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw error(lineNo, column + " '" + s + "' is not finite");
        }
        return v;
    }

    private static IllegalArgumentException error(int lineNo, String reason) {
        return new IllegalArgumentException("line " + lineNo + ": " + reason);
    }

    /** @return the profile's name */
    public String name() {
        return name;
    }

    /**
     * The index of the row in effect at a time.
     *
     * @param nanos simulated time
     * @return the row index
     */
    public int indexAt(long nanos) {
        int i = Arrays.binarySearch(startNanos, nanos);
        return i >= 0 ? i : Math.max(0, -i - 2);
    }

    /** @return the number of rows */
    public int size() {
        return startNanos.length;
    }

    /** @return when row {@code i} takes effect, in nanoseconds */
    public long startNanos(int i) {
        return startNanos[i];
    }

    /** @return R of row {@code i}, rows/s */
    public double replica(int i) {
        return replica[i];
    }

    /** @return C of row {@code i}, rows/s */
    public double capacity(int i) {
        return capacity[i];
    }

    /** @return ρ of row {@code i} */
    public double load(int i) {
        return load[i];
    }
}
