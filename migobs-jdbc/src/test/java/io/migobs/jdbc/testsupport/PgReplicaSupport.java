package io.migobs.jdbc.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL streaming replica created by {@code .ci/pg-replica.sh}: {@code jdbc:postgresql://127.0.0.1:5433/test}
 * (override with {@code MIGOBS_PG_REPLICA_URL}; user and password as for the primary). Unreachable or not a
 * replica: the test is skipped with a message, or fails when {@code CI=true}.
 */
public final class PgReplicaSupport {
    private static volatile String unreachable;
    private static volatile boolean probed;

    private PgReplicaSupport() {
    }

    /** @return the replica's URL; for child JVMs, never for logs */
    public static String url() {
        String v = System.getenv("MIGOBS_PG_REPLICA_URL");
        return v == null || v.isBlank() ? "jdbc:postgresql://127.0.0.1:5433/test" : v;
    }

    /**
     * The replica, checked once per JVM to be reachable and in recovery.
     *
     * @return the DataSource
     */
    public static DataSource open() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url());
        ds.setUser(Databases.pgUser());
        String pw = Databases.pgPassword();
        if (!pw.isEmpty()) {
            ds.setPassword(pw);
        }
        ds.setConnectTimeout(5);
        synchronized (PgReplicaSupport.class) {
            if (!probed) {
                probed = true;
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        unreachable = "the server at MIGOBS_PG_REPLICA_URL is not a replica";
                    }
                } catch (SQLException e) {
                    unreachable = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
        }
        String why = unreachable;
        if (why != null) {
            Databases.unavailable("PostgreSQL replica is unavailable (" + why + "); run .ci/pg-replica.sh or set"
                    + " MIGOBS_PG_REPLICA_URL");
        }
        return ds;
    }
}
