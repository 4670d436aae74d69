package io.migobs.examples.springbatch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.migobs.BatchEvent;
import io.migobs.Gate;
import io.migobs.MigrationListener;
import io.migobs.MigrationPlan;
import io.migobs.RunReport;
import io.migobs.Signal;
import io.migobs.Signals;
import io.migobs.springbatch.MigrationStep;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.support.TaskExecutorJobLauncher;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JobRepositoryFactoryBean;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemProcessor;
import org.springframework.batch.item.ItemStreamReader;
import org.springframework.batch.item.ItemWriter;
import org.springframework.batch.item.database.JdbcBatchItemWriter;
import org.springframework.batch.item.database.JdbcPagingItemReader;
import org.springframework.batch.item.database.Order;
import org.springframework.batch.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.batch.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

/**
 * A Spring Batch job driven by migobs, with an embedded H2 JobRepository: a chunk-oriented step normalizes the
 * e-mails of a {@code customers} table; its chunk size follows the run's batch size (a dynamic commit interval),
 * a simulated incident turns the replica-lag gate red mid-run so the step stops cleanly (STOPPED, the reason in the
 * exit description), and the job is then restarted from the JobRepository and finishes where it stopped. With
 * {@code --partitions N} the step is partitioned by id range and every partition shares one run: one set of gates,
 * one rate budget.
 *
 * <pre>java -jar migobs-examples.jar spring-batch [--rows N] [--partitions N] [--no-incident]</pre>
 */
public final class SpringBatchBackfill {
    /** How often the replica-lag gate is read. */
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);

    /** A row of the table. */
    public record Customer(long id, String email, String normalized) {
    }

    private SpringBatchBackfill() {
    }

    /**
     * Runs the example.
     *
     * @param args the flags
     * @throws Exception on error
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the example in this JVM.
     *
     * @param args {@code --rows N}, {@code --partitions N}, {@code --no-incident}
     * @param out where the story goes
     * @return 0 when the job completed and every row is normalized exactly as expected, 2 otherwise
     * @throws Exception on error
     */
    public static int run(String[] args, PrintStream out) throws Exception {
        int rows = 20_000;
        int partitions = 0;
        boolean incident = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--no-incident" -> incident = false;
                default -> throw new IllegalArgumentException("unknown flag '" + args[i] + "'");
            }
        }
        EmbeddedDatabase db = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
                .setName("spring-batch-example-" + System.nanoTime())
                .addScript("/org/springframework/batch/core/schema-h2.sql").build();
        try {
            return run(db, rows, partitions, incident, out);
        } finally {
            db.shutdown();
        }
    }

    private static int run(EmbeddedDatabase db, int rows, int partitions, boolean incident, PrintStream out)
            throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        jdbc.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL,"
                + " email_normalized VARCHAR(200))");
        jdbc.execute("INSERT INTO customers (id, email) SELECT X, CONCAT(' User', X, '@Example.COM')"
                + " FROM SYSTEM_RANGE(1, " + rows + ")");
        DataSourceTransactionManager tx = new DataSourceTransactionManager(db);
        JobRepositoryFactoryBean factory = new JobRepositoryFactoryBean();
        factory.setDataSource(db);
        factory.setTransactionManager(tx);
        factory.afterPropertiesSet();
        JobRepository repository = factory.getObject();
        TaskExecutorJobLauncher launcher = new TaskExecutorJobLauncher();
        launcher.setJobRepository(repository);
        launcher.afterPropertiesSet();

        // A simulated replica lag: 0.3 s, or 45 s (red) during the incident, which starts at 30% of the rows.
        AtomicBoolean incidentActive = new AtomicBoolean();
        AtomicBoolean incidentHappened = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        long incidentAt = incident ? rows * 3L / 10 : Long.MAX_VALUE;
        Signal lag = Signals.of("replica.lag", Signals.SECONDS, "SIMULATED incident of the Spring Batch example",
                () -> incidentActive.get() ? 45.0 : 0.3);
        List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
        MigrationListener observer = new MigrationListener() {
            @Override
            public void onBatchStart(BatchEvent e) {
                chunkSizes.add(e.size());
            }

            @Override
            public void onBatchEnd(BatchEvent e) {
                if (done.addAndGet(e.rows()) >= incidentAt && incidentHappened.compareAndSet(false, true)) {
                    incidentActive.set(true); // once: the restart after it must not meet it again
                }
            }
        };

        MigrationPlan plan = MigrationPlan.builder("customers-email-spring-batch")
                .totalRows(rows)
                .batchSize(100, 20, 400).targetBatchTime(Duration.ofMillis(100))
                .maxRowsPerSecond(10_000)
                .gate(Gate.builder("replica.lag", lag).yellowAbove(5).redAbove(30)
                        .sampleInterval(SAMPLE_INTERVAL).holdSamples(2).build())
                .build();
        MigrationStep migration = MigrationStep.builder(plan).meterRegistry(new SimpleMeterRegistry())
                .listener(observer).cursor(Customer.class, Customer::id).build();

        ItemProcessor<Customer, Customer> normalize = c -> new Customer(c.id(), c.email(),
                c.email().trim().toLowerCase(Locale.ROOT));
        JdbcBatchItemWriter<Customer> jdbcWriter = new JdbcBatchItemWriterBuilder<Customer>().dataSource(db)
                .sql("UPDATE customers SET email_normalized = ? WHERE id = ?")
                .itemPreparedStatementSetter((c, ps) -> {
                    ps.setString(1, c.normalized());
                    ps.setLong(2, c.id());
                }).build();
        jdbcWriter.afterPropertiesSet();
        // During the incident the database is slow as well: a chunk takes at least the gate's sample interval, so
        // a worker's chunk starts are at least one interval apart and a reading comes due between any two of them.
        // With chunks of at most 400 rows every worker has at least three chunks left when the incident begins, so
        // the gate has read the lag twice (its hold) by the time a worker would start its third: the step stops
        // before the job can finish, however fast the machine (without it, the rows left after the incident took
        // ~0.4 s at the rate cap, a race with the two readings that CI once lost).
        ItemWriter<Customer> writer = chunk -> {
            if (incidentActive.get()) {
                Thread.sleep(SAMPLE_INTERVAL.toMillis());
            }
            jdbcWriter.write(chunk);
        };

        Job job = partitions > 0
                ? partitionedJob(repository, tx, db, migration, normalize, writer, rows, partitions)
                : singleStepJob(repository, tx, db, migration, normalize, writer);
        JobParameters params = new JobParametersBuilder().addString("table", "customers").toJobParameters();

        out.println("job " + job.getName() + ": " + rows + " rows" + (partitions > 0 ? ", " + partitions
                + " partitions sharing one run" : ", one chunk-oriented step"));
        JobExecution first = launcher.run(job, params);
        report(out, "first run", first, migration.lastReport(), chunkSizes);
        if (first.getStatus() != BatchStatus.COMPLETED) {
            incidentActive.set(false);
            out.println("incident over: restarting the job instance from the JobRepository");
            chunkSizes.clear();
            JobExecution second = launcher.run(job, params);
            report(out, "restart", second, migration.lastReport(), chunkSizes);
            first = second;
        }
        long normalized = jdbc.queryForObject("SELECT COUNT(*) FROM customers"
                + " WHERE email_normalized = LOWER(TRIM(email))", Long.class);
        out.printf(Locale.ROOT, "rows normalized: %,d of %,d%n", normalized, rows);
        return first.getStatus() == BatchStatus.COMPLETED && normalized == rows ? 0 : 2;
    }

    private static Job singleStepJob(JobRepository repository, DataSourceTransactionManager tx, DataSource db,
            MigrationStep migration, ItemProcessor<Customer, Customer> normalize, ItemWriter<Customer> writer)
            throws Exception {
        JdbcPagingItemReader<Customer> reader = new JdbcPagingItemReaderBuilder<Customer>().name("customers")
                .dataSource(db).selectClause("id, email").fromClause("customers")
                .sortKeys(Map.of("id", Order.ASCENDING)).pageSize(500)
                .rowMapper((rs, n) -> new Customer(rs.getLong(1), rs.getString(2), null)).build();
        reader.afterPropertiesSet();
        Step step = migration.attachTo(new StepBuilder("normalize-emails", repository)
                .<Customer, Customer>chunk(migration.completionPolicy(), tx)
                .reader(reader).processor(normalize).writer(writer)).build();
        return new JobBuilder("normalize-emails-job", repository).start(step).build();
    }

    private static Job partitionedJob(JobRepository repository, DataSourceTransactionManager tx, DataSource db,
            MigrationStep migration, ItemProcessor<Customer, Customer> normalize, ItemWriter<Customer> writer,
            int rows, int partitions) {
        Step worker = migration.attachTo(new StepBuilder("normalize-worker", repository)
                .<Customer, Customer>chunk(migration.completionPolicy(), tx)
                .reader(new IdRangeReader(new JdbcTemplate(db))).processor(normalize).writer(writer)).build();
        Partitioner byIdRange = grid -> {
            Map<String, ExecutionContext> map = new HashMap<>();
            long span = (rows + grid - 1) / grid;
            for (int i = 0; i < grid; i++) {
                ExecutionContext c = new ExecutionContext();
                c.putLong("min", i * span);
                c.putLong("max", Math.min(rows, (i + 1) * span));
                map.put("range" + i, c);
            }
            return map;
        };
        Step manager = new StepBuilder("normalize-emails", repository).partitioner("normalize-worker", byIdRange)
                .step(worker).gridSize(partitions).taskExecutor(new SimpleAsyncTaskExecutor("partition-"))
                .listener(migration.managerListener(repository, "normalize-worker")).build();
        return new JobBuilder("normalize-emails-partitioned-job", repository).start(manager).build();
    }

    private static void report(PrintStream out, String label, JobExecution e, RunReport r, List<Integer> sizes) {
        out.printf(Locale.ROOT, "%s: job %s", label, e.getStatus());
        for (StepExecution s : e.getStepExecutions()) {
            out.printf(Locale.ROOT, "%n  step %-28s %-9s read %,7d  commits %,5d  exit %s%s", s.getStepName(),
                    s.getStatus(), s.getReadCount(), s.getCommitCount(), s.getExitStatus().getExitCode(),
                    s.getExitStatus().getExitDescription().isEmpty() ? ""
                            : " (" + migobsPart(s.getExitStatus().getExitDescription()) + ")");
        }
        out.println();
        if (!sizes.isEmpty()) {
            out.printf(Locale.ROOT, "  chunk sizes (dynamic commit interval): first %s, largest %d, %d chunks%n",
                    sizes.subList(0, Math.min(8, sizes.size())),
                    sizes.stream().mapToInt(Integer::intValue).max().orElse(0), sizes.size());
        }
        if (r != null) {
            out.printf(Locale.ROOT, "  migobs run %s: %,d rows (%,d resumed from the JobRepository), %d batches%s%n",
                    r.state(), r.rowsProcessed(), r.rowsResumed(), r.batches(),
                    r.reason() == null ? "" : ": " + r.reason());
        }
    }

    /** The exit description from migobs' reason on (Spring Batch puts its exception names first). */
    private static String migobsPart(String s) {
        int i = s.indexOf("migobs:");
        String part = i < 0 ? s : s.substring(i);
        int nl = part.indexOf('\n');
        return nl < 0 ? part : part.substring(0, nl);
    }

    /**
     * Reads the ids in {@code (min, max]} of the partition's ExecutionContext in pages, after the last id read,
     * and saves that id with every chunk: restartable, and one instance serves concurrent partitions (state per
     * thread; each partition runs on one thread).
     */
    static final class IdRangeReader implements ItemStreamReader<Customer> {
        private final JdbcTemplate jdbc;
        private final ThreadLocal<long[]> range = new ThreadLocal<>();
        private final ThreadLocal<Deque<Customer>> page = ThreadLocal.withInitial(ArrayDeque::new);

        IdRangeReader(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public void open(ExecutionContext ctx) {
            long after = ctx.containsKey("after") ? ctx.getLong("after") : ctx.getLong("min");
            range.set(new long[] {after, ctx.getLong("max")});
            page.get().clear();
        }

        @Override
        public Customer read() {
            long[] r = range.get();
            Deque<Customer> p = page.get();
            if (p.isEmpty()) {
                p.addAll(jdbc.query("SELECT id, email FROM customers WHERE id > ? AND id <= ? ORDER BY id LIMIT 500",
                        (rs, n) -> new Customer(rs.getLong(1), rs.getString(2), null), r[0], r[1]));
            }
            Customer c = p.poll();
            if (c != null) {
                r[0] = c.id();
            }
            return c;
        }

        @Override
        public void update(ExecutionContext ctx) {
            long[] r = range.get();
            if (r != null) {
                ctx.putLong("after", r[0]);
            }
        }

        @Override
        public void close() {
            page.remove();
        }
    }
}
