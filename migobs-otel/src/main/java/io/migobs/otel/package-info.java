/**
 * OpenTelemetry traces and metrics for migobs runs. Entry point: {@link io.migobs.otel.MigrationTelemetry}.
 *
 * <pre>{@code
 * MigrationTelemetry telemetry = MigrationTelemetry.create(openTelemetry);
 * try (MigrationRun run = MigrationRun.builder(plan).listener(telemetry.listener()).start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Depends on {@code opentelemetry-api} only: bring your own SDK (or the Java agent's). Never touches
 * {@code GlobalOpenTelemetry}. Instrumentation scope: {@value io.migobs.otel.MigrationTelemetry#INSTRUMENTATION_NAME}.
 */
package io.migobs.otel;
