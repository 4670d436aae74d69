/**
 * Implementation of migobs-otel. <b>Not API</b>: anything here may change in any release without notice. Use
 * {@link io.migobs.otel.MigrationTelemetry}.
 */
package io.migobs.otel.internal;
