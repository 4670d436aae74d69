package io.migobs.springbatch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.launch.support.TaskExecutorJobLauncher;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JobRepositoryFactoryBean;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStreamReader;
import org.springframework.batch.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

/** A real H2-backed JobRepository, a table of items and a keyset reader, for the tests. */
final class BatchFixture implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    final org.springframework.jdbc.datasource.embedded.EmbeddedDatabase dataSource;
    final DataSourceTransactionManager tx;
    final JobRepository repository;
    final TaskExecutorJobLauncher launcher;
    final JdbcTemplate jdbc;

    record Item(long id, int v) {
    }

    BatchFixture(int rows) throws Exception {
        dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
                .setName("sbtest" + DATABASES.incrementAndGet())
                .addScript("/org/springframework/batch/core/schema-h2.sql").build();
        tx = new DataSourceTransactionManager(dataSource);
        JobRepositoryFactoryBean f = new JobRepositoryFactoryBean();
        f.setDataSource(dataSource);
        f.setTransactionManager(tx);
        f.afterPropertiesSet();
        repository = f.getObject();
        launcher = new TaskExecutorJobLauncher();
        launcher.setJobRepository(repository);
        launcher.afterPropertiesSet();
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE sb_items (id BIGINT PRIMARY KEY, v INT NOT NULL, v2 INT, writes INT DEFAULT 0)");
        jdbc.execute("INSERT INTO sb_items (id, v) SELECT X, MOD(X * 7, 1000) FROM SYSTEM_RANGE(1, " + rows + ")");
    }

    JobExecution run(Job job) throws Exception {
        return launcher.run(job, params());
    }

    static JobParameters params() {
        return new JobParametersBuilder().addString("table", "sb_items").toJobParameters();
    }

    long done() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM sb_items WHERE v2 = v * 2", Long.class);
    }

    long appliedTwice() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM sb_items WHERE writes > 1", Long.class);
    }

    /** Doubles v into v2 and counts the writes of every row, so a row applied twice shows. */
    ItemWriter<Item> writer() {
        return items -> jdbc.batchUpdate("UPDATE sb_items SET v2 = ?, writes = writes + 1 WHERE id = ?",
                items.getItems(), items.size(), (ps, i) -> {
                    ps.setInt(1, i.v() * 2);
                    ps.setLong(2, i.id());
                });
    }

    /**
     * Reads ids in (min, max] of the step's ExecutionContext (keys {@code min}, {@code max}; the whole table when
     * absent) in pages of 50, after the last id read; saves that id with each chunk. State per thread, so one
     * instance serves concurrent partitions.
     */
    final class KeysetReader implements ItemStreamReader<Item> {
        private final ThreadLocal<long[]> range = new ThreadLocal<>();
        private final ThreadLocal<Deque<Item>> page = ThreadLocal.withInitial(ArrayDeque::new);

        @Override
        public void open(ExecutionContext ctx) {
            long min = ctx.containsKey("min") ? ctx.getLong("min") : 0;
            long max = ctx.containsKey("max") ? ctx.getLong("max") : Long.MAX_VALUE;
            long after = ctx.containsKey("after") ? ctx.getLong("after") : min;
            range.set(new long[] {after, max});
            page.get().clear();
        }

        @Override
        public Item read() {
            Deque<Item> p = page.get();
            long[] r = range.get();
            if (p.isEmpty()) {
                p.addAll(jdbc.query("SELECT id, v FROM sb_items WHERE id > ? AND id <= ? ORDER BY id LIMIT 50",
                        (rs, n) -> new Item(rs.getLong(1), rs.getInt(2)), r[0], r[1]));
            }
            Item i = p.poll();
            if (i != null) {
                r[0] = i.id();
            }
            return i;
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

    @Override
    public void close() {
        dataSource.shutdown();
    }
}
