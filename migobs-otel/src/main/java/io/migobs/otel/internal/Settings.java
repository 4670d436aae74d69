package io.migobs.otel.internal;

import io.migobs.otel.BatchSpans;

/**
 * The built configuration of a {@code MigrationTelemetry}. Not API.
 *
 * @param dbSystemName {@code db.system.name}, or null
 * @param dbCollectionName {@code db.collection.name}, or null
 * @param batchSpans which batches get a span
 * @param logCorrelation whether to put the trace context in the MDC during a batch
 */
public record Settings(String dbSystemName, String dbCollectionName, BatchSpans batchSpans, boolean logCorrelation) {
}
