package io.migobs.examples.demo;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The demo's table {@code demo_orders(id, customer_id, amount_cents, tax_cents, backfill_applied)}: created and
 * filled atomically (loaded under another name, then renamed), and verified in full at the end. Portable SQL
 * (H2, PostgreSQL, MariaDB).
 *
 * <p>{@code tax_cents} is the new column the backfill fills ({@code amount_cents * 21 / 100}, integer division).
 * {@code backfill_applied} counts how many times the backfill touched each row: the demo's proof that after any
 * number of interruptions and resumes every row was applied exactly once.
 */
final class DemoTable {
    static final String TABLE = "demo_orders";
    static final String NEW_VALUE = "amount_cents * 21 / 100";
    static final String STATEMENT = "UPDATE " + TABLE + " SET tax_cents = " + NEW_VALUE
            + ", backfill_applied = backfill_applied + 1 WHERE {range}";
    private static final String LOADING = "demo_orders_load";

    private final DataSource ds;

    DemoTable(DataSource ds) {
        this.ds = ds;
    }

    boolean exists() throws SQLException {
        return exists(TABLE);
    }

    private boolean exists(String table) throws SQLException {
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
                // the connection's own schema only: a table of that name elsewhere is not ours
                try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), name,
                        new String[] {"TABLE", "BASE TABLE"})) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    long count() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void drop() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("DROP TABLE IF EXISTS " + LOADING);
        }
    }

    /** Creates and fills the table with {@code rows} rows; the table appears only once complete. */
    void create(long rows) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + LOADING);
            s.execute("CREATE TABLE " + LOADING + " (id BIGINT NOT NULL PRIMARY KEY, customer_id BIGINT NOT NULL,"
                    + " amount_cents BIGINT NOT NULL, backfill_applied INT DEFAULT 0 NOT NULL)");
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String values = "id, 1 + MOD(id * 7919, 5000), 100 + MOD(id * 104729, 99900)";
            if (product.contains("h2")) {
                s.execute("INSERT INTO " + LOADING + " (id, customer_id, amount_cents) SELECT "
                        + values.replace("id", "X") + " FROM SYSTEM_RANGE(1, " + rows + ")");
            } else if (product.contains("postgres")) {
                s.execute("INSERT INTO " + LOADING + " (id, customer_id, amount_cents) SELECT " + values
                        + " FROM generate_series(1, " + rows + ") AS g(id)");
            } else {
                insertInBatches(c, rows);
            }
            // the schema change the backfill completes: a new, empty column
            s.execute("ALTER TABLE " + LOADING + " ADD COLUMN tax_cents BIGINT");
            s.execute("ALTER TABLE " + LOADING + " RENAME TO " + TABLE);
        }
    }

    private static void insertInBatches(Connection c, long rows) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + LOADING
                + " (id, customer_id, amount_cents) VALUES (?, ?, ?)")) {
            for (long id = 1; id <= rows; id++) {
                ps.setLong(1, id);
                ps.setLong(2, 1 + (id * 7919) % 5000);
                ps.setLong(3, 100 + (id * 104_729) % 99_900);
                ps.addBatch();
                if (id % 5000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** The final full-table check. */
    record Verification(long rows, long correct, long once, long missed, long twice) {
        boolean ok(long expectedRows) {
            return rows == expectedRows && correct == rows && once == rows && missed == 0 && twice == 0;
        }

        String describe(long expectedRows) {
            return String.format(Locale.ROOT, "verification (full table): %,d rows (expected %,d); tax_cents correct"
                    + " on %,d; applied exactly once %,d; never applied %,d; applied twice or more %,d -> %s", rows,
                    expectedRows, correct, once, missed, twice, ok(expectedRows) ? "OK: no row lost, none applied twice"
                            : "MISMATCH");
        }
    }

    Verification verify() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*),"
                        + " SUM(CASE WHEN tax_cents = " + NEW_VALUE + " THEN 1 ELSE 0 END),"
                        + " SUM(CASE WHEN backfill_applied = 1 THEN 1 ELSE 0 END),"
                        + " SUM(CASE WHEN backfill_applied = 0 THEN 1 ELSE 0 END),"
                        + " SUM(CASE WHEN backfill_applied > 1 THEN 1 ELSE 0 END) FROM " + TABLE)) {
            rs.next();
            return new Verification(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
    }
}
