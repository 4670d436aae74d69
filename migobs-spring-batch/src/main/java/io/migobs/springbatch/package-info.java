/**
 * Spring Batch integration: {@link io.migobs.springbatch.MigrationStep} makes a chunk-oriented step follow a
 * {@link io.migobs.MigrationRun} (chunk size from the run's batch size, throttling before each chunk, a clean stop
 * on red, restart from the JobRepository) and lets the partitions of a partitioned step share one run.
 */
package io.migobs.springbatch;
