package io.migobs.jdbc.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The MariaDB primary and replica created by {@code .ci/mariadb-replica.sh}: {@code jdbc:mariadb://127.0.0.1:3307/test}
 * and {@code jdbc:mariadb://127.0.0.1:3308/test}, user {@code root} with an empty password (override with
 * {@code MIGOBS_MARIADB_PRIMARY_URL} and {@code MIGOBS_MARIADB_REPLICA_URL}). The machine's own MariaDB on 3306 has
 * binary logging off, so it cannot be a primary. Unreachable, or the replica not replicating from the primary: the
 * test is skipped with a message, or fails when {@code CI=true}.
 */
public final class MariaDbReplicaSupport {
    private static volatile String unavailable;
    private static volatile boolean probed;

    private MariaDbReplicaSupport() {
    }

    /** The pair: the primary and its replica. */
    public record Pair(DataSource primary, DataSource replica) {
    }

    private static DataSource source(String env, String fallback) {
        String url = System.getenv(env);
        try {
            MariaDbDataSource ds = new MariaDbDataSource(url == null || url.isBlank() ? fallback : url);
            ds.setUser("root");
            ds.setPassword("");
            return ds;
        } catch (SQLException e) {
            throw new IllegalStateException("invalid " + env + ": " + e.getMessage(), e);
        }
    }

    /**
     * The pair, checked once per JVM: both reachable, and the replica's I/O and SQL threads running.
     *
     * @return the primary and the replica
     */
    public static Pair open() {
        DataSource primary = source("MIGOBS_MARIADB_PRIMARY_URL", "jdbc:mariadb://127.0.0.1:3307/test");
        DataSource replica = source("MIGOBS_MARIADB_REPLICA_URL", "jdbc:mariadb://127.0.0.1:3308/test");
        synchronized (MariaDbReplicaSupport.class) {
            if (!probed) {
                probed = true;
                try (Connection p = primary.getConnection(); Connection r = replica.getConnection()) {
                    List<List<String>> status = Databases.rows(replica, "SELECT 1 FROM information_schema"
                            + ".GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING' AND VARIABLE_VALUE = 'ON'");
                    if (status.isEmpty()) {
                        unavailable = "the server at 127.0.0.1:3308 is not a running replica";
                    }
                } catch (SQLException | RuntimeException e) {
                    unavailable = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
        }
        String why = unavailable;
        if (why != null) {
            Databases.unavailable("MariaDB primary/replica pair is unavailable (" + why + "); run"
                    + " .ci/mariadb-replica.sh or set MIGOBS_MARIADB_PRIMARY_URL and MIGOBS_MARIADB_REPLICA_URL");
        }
        return new Pair(primary, replica);
    }
}
