package io.migobs.jdbc.crash;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.BatchEvent;
import io.migobs.Cadence;
import io.migobs.Invariant;
import io.migobs.InvariantResult;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.Phase;
import io.migobs.PhaseChange;
import io.migobs.RunReport;
import io.migobs.jdbc.JdbcBackfill;
import io.migobs.jdbc.JdbcChecksum;
import io.migobs.jdbc.Checkpoint;
import java.io.IOException;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link CrashResumeTest}: runs the non-idempotent backfill {@code SET n = n + 1} through
 * {@link JdbcBackfill} with its checkpoint, a checksum invariant ({@code base + 1 = n} over the rows done since the
 * last check) and two phases, until it completes or is killed. Restarted with the same arguments, it resumes.
 *
 * <p>Arguments: {@code MODE TABLE MIGRATION}; MODE is {@code normal}, {@code block-in-checksum} (after the first
 * checksum has read the database, announce it and wait forever, to be killed inside the invariant) or
 * {@code block-on-promotion} (announce the first phase promotion from the listener and wait forever). Connection
 * settings come from the environment ({@code CRASH_URL}, {@code CRASH_USER}, {@code CRASH_PASSWORD}) so that no
 * password is on a command line. Protocol lines on stdout start with {@code CRASH }.
 */
public final class CrashChild {
    static final String PREFIX = "CRASH ";
    static final long CANARY_ROWS = 2_000;
    static final long CHECK_EVERY = 1_000;
    /** The PostgreSQL application_name of the child's sessions, so the parent can wait for them to end. */
    static final String APPLICATION_NAME = "migobs-crash-child";

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        long startNanos = System.nanoTime();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.WARN);
        String mode = args[0];
        String table = args[1];
        String migration = args[2];
        DataSource ds = dataSource(System.getenv("CRASH_URL"), System.getenv("CRASH_USER"),
                System.getenv("CRASH_PASSWORD"));
        say("RUNNING");

        JdbcBackfill backfill = JdbcBackfill.builder(ds, table).keyColumns("id")
                .statement("UPDATE " + table + " SET n = n + 1 WHERE {range}").build();
        Optional<Checkpoint> before = backfill.checkpoint(migration);
        say("RESUMING rows=" + before.map(Checkpoint::rowsDone).orElse(0L) + " status="
                + before.map(c -> c.status().text()).orElse("none"));

        JdbcChecksum checksum = JdbcChecksum.builder(ds, table).keyColumns("id").sourceExpressions("base + 1")
                .target(ds, table).targetColumns("n").build();
        Invariant check = ctx -> {
            InvariantResult r = checksum.check(ctx);
            if (mode.equals("block-in-checksum")) {
                say("IN_CHECKSUM rows=" + ctx.rowsProcessed() + " passed=" + r.passed());
                blockForever();
            }
            return r;
        };
        MigrationPlan plan = MigrationPlan.builder(migration).totalRows(backfill.countRows()).batchSize(10, 5, 20)
                .phase(Phase.builder("canary").rows(CANARY_ROWS).build())
                .phase(Phase.builder("full").build())
                .invariant("checksum", Cadence.everyRows(CHECK_EVERY), check)
                .build();
        MigrationListener listener = new MigrationListener() {
            private boolean first = true;

            @Override
            public void onBatchEnd(BatchEvent e) {
                if (first) {
                    first = false;
                    say("FIRST_BATCH in_jvm_ms=" + (System.nanoTime() - startNanos) / 1_000_000);
                }
            }

            @Override
            public void onPhaseChange(PhaseChange change) {
                if (mode.equals("block-on-promotion")) {
                    say("PROMOTED from=" + change.from() + " to=" + change.to() + " rows=" + change.rowsProcessed());
                    blockForever();
                }
            }
        };
        RunReport report = backfill.run(plan, b -> b.meterRegistry(new SimpleMeterRegistry()).listener(listener));
        say("DONE state=" + report.state() + " rows=" + report.rowsProcessed() + " resumed=" + report.rowsResumed()
                + " reason=" + report.reason());
        System.exit(0);
    }

    static DataSource dataSource(String url, String user, String password) {
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            h2.setUser(user);
            h2.setPassword(password == null ? "" : password);
            return h2;
        }
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url);
        pg.setApplicationName(APPLICATION_NAME);
        pg.setUser(user);
        if (password != null && !password.isEmpty()) {
            pg.setPassword(password);
        }
        return pg;
    }

    private static void say(String line) {
        System.out.println(PREFIX + line);
        System.out.flush();
    }

    private static void blockForever() {
        try {
            while (System.in.read() >= 0) {
                // the parent never writes; it kills this process
            }
        } catch (IOException e) {
            // stdin closed: fall through and keep blocking below
        }
        Object lock = new Object();
        synchronized (lock) {
            while (true) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
